'use strict';
// Vonage SMS API multipart parts held in the sms store (SPEC §4, §7, §12), with real
// processes: a restart between the parts (embedded), the parts split between two Node-RED
// processes on one redis-server, provider retries of a part already held, and a group that
// expires while two instances sweep.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { nodeRedProcess } = require('../support/node-red-process');
const { useProcessHooks } = require('../support/process-hooks');
const { replyFlow, CREDS, post, repliesBySender, until, sleep } = require('./flows');

const SENDER = '447700900123';

/** Part `n` of a `total`-part Vonage message with reference `ref`; each part has its own id. */
function part(ref, n, total, text) {
  return {
    msisdn: SENDER,
    to: '447700900000',
    messageId: `${ref}-${n}`.padEnd(16, '0'),
    text,
    type: 'text',
    concat: 'true',
    'concat-ref': ref,
    'concat-total': String(total),
    'concat-part': String(n),
  };
}

/** What reached the end of the flow: the message text of each, in arrival order. */
const endTexts = (fake) => fake.requests.filter((r) => r.path.startsWith('/end/')).map((r) => (typeof r.body === 'string' ? r.body : r.raw));

describe('multipart with real processes', function () {
  this.timeout(120_000);
  let fake;
  let redis;
  const started = [];

  useProcessHooks(started, (f, r) => {
    fake = f;
    redis = r;
  }, { redis: true });

  async function nodeRed(store, settings) {
    const nr = await nodeRedProcess({ flows: replyFlow(fake.url), credentials: CREDS, store, settings });
    started.push(nr);
    return nr.start();
  }
  const redisStore = (prefix, instance) => ({ type: 'redis', url: redis.url, prefix, instance, timeoutMs: 1000 });

  it('embedded: part 1, Node-RED stopped and started again, then part 2 → one message, the whole text; a retry of part 1 is not emitted again', async function () {
    const nr = await nodeRed({ type: 'embedded' });
    const ref = crypto.randomBytes(1).toString('hex');
    assert.equal(await post(nr.url, '/in', part(ref, 1, 2, 'The first half, ')), 200);
    await nr.stop();
    await nr.start();
    assert.equal(await post(nr.url, '/in', part(ref, 1, 2, 'The first half, ')), 200, 'a retry of the held part is acknowledged');
    assert.equal(await post(nr.url, '/in', part(ref, 2, 2, 'and the second.')), 200);
    await until('the message at the end of the flow', () => endTexts(fake).length >= 1);
    assert.equal(await post(nr.url, '/in', part(ref, 2, 2, 'and the second.')), 200, 'a retry of the completing part');
    await sleep(1500);
    assert.deepEqual(endTexts(fake), ['The first half, and the second.']);
    assert.deepEqual([...repliesBySender(fake).values()], [1], 'answered once');
  });

  it('redis, two instances: part 1 to A, part 2 to B → one message, whole; retries to either are not emitted', async function () {
    const prefix = `t${crypto.randomBytes(3).toString('hex')}:`;
    const [a, b] = await Promise.all([nodeRed(redisStore(prefix, 'a')), nodeRed(redisStore(prefix, 'b'))]);
    const ref = crypto.randomBytes(1).toString('hex');
    assert.equal(await post(a.url, '/in', part(ref, 1, 3, 'one ')), 200);
    assert.equal(await post(b.url, '/in', part(ref, 1, 3, 'one ')), 200, 'a retry of part 1 to B');
    assert.equal(await post(b.url, '/in', part(ref, 3, 3, 'three')), 200);
    assert.equal(await post(a.url, '/in', part(ref, 2, 3, 'two ')), 200);
    await until('the message at the end of the flow', () => endTexts(fake).length >= 1);
    assert.equal(await post(b.url, '/in', part(ref, 2, 3, 'two ')), 200, 'a retry of the completing part to B');
    await sleep(1500);
    assert.deepEqual(endTexts(fake), ['one two three']);
    assert.deepEqual([...repliesBySender(fake).values()], [1]);
  });

  it('redis, two instances: a group that never completes is emitted once, incomplete, after the expiry', async function () {
    const prefix = `t${crypto.randomBytes(3).toString('hex')}:`;
    const settings = { smsMultipart: { expiryMs: 1500 } };
    const [a] = await Promise.all([nodeRed(redisStore(prefix, 'a'), settings), nodeRed(redisStore(prefix, 'b'), settings)]);
    const ref = crypto.randomBytes(1).toString('hex');
    assert.equal(await post(a.url, '/in', part(ref, 1, 2, 'only the start')), 200);
    await until('the expired message at the end of the flow', () => endTexts(fake).length >= 1, 20_000);
    await sleep(2500);
    assert.deepEqual(endTexts(fake), ['only the start'], 'one instance took it');
  });
});
