'use strict';
// The opt-out list with real processes (SPEC §8, §12): on the embedded store a STOP is still
// listed after kill -9 and a restart; on redis, what one Node-RED lists the other sees at once,
// and its sms reply holds back an answer to the listed sender. The list is read through the
// SMS sidebar's admin route, as a person would read it.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { nodeRedProcess } = require('../support/node-red-process');
const { useProcessHooks } = require('../support/process-hooks');
const { startRedis } = require('../support/redis-server');
const { replyFlow, CREDS, inbound, post, ended, until, sleep } = require('./flows');

// The account of replyFlow: Vonage, API key key1.
const ACCOUNT = 'vonage:key1';

async function listed(nr) {
  const res = await fetch(`${nr.url}/sms-consent/lists?account=${encodeURIComponent(ACCOUNT)}`);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).entries.map((e) => `${e.number} ${e.why}`);
}

function message(n, text) {
  return { ...inbound(n), text };
}

describe('opt-out list with real processes', function () {
  this.timeout(120_000);
  let fake;
  const started = [];
  useProcessHooks(started, (f) => {
    fake = f;
  });
  async function nodeRed(store) {
    const nr = await nodeRedProcess({ flows: replyFlow(fake.url), credentials: CREDS, store });
    started.push(nr);
    return nr.start();
  }

  it('embedded: a STOP is still on the list after kill -9 and a restart, and a START after a clean restart takes it off', async function () {
    const nr = await nodeRed({ type: 'embedded' });
    assert.equal(await post(nr.url, '/in', message(1, 'STOP')), 200);
    await until('the STOP on the list', () => ended(fake).has('447700900001'));
    assert.deepEqual(await listed(nr), ['+447700900001 stop']);
    await nr.kill();
    await nr.start();
    assert.deepEqual(await listed(nr), ['+447700900001 stop']);
    assert.equal(await post(nr.url, '/in', message(1, 'START')), 200);
    // Counted in answers, not in ends of the flow: the STOP may be emitted again after the kill
    // (its removal from the inbox is not waited for on disk), and then ends once more, unanswered.
    const answers = () => fake.requests.filter((r) => r.route === 'vonage-sms' && r.body.to === '447700900001').length;
    await until('the START answered', () => answers() >= 2);
    await sleep(300);
    assert.equal(answers(), 2, 'the STOP confirmation and the START answer, each once');
    await nr.stop();
    await nr.start();
    assert.deepEqual(await listed(nr), []);
  });

  describe('on redis', function () {
    let redis;
    before(async () => {
      redis = await startRedis();
    });
    after(async () => {
      if (redis) await redis.stop();
    });

    it('a STOP taken by one instance is on the list of the other at once; the other holds back its reply; a START there takes it off for both', async function () {
      const prefix = `c${crypto.randomBytes(3).toString('hex')}:`;
      const a = await nodeRed({ type: 'redis', url: redis.url, prefix, instance: 'a' });
      const b = await nodeRed({ type: 'redis', url: redis.url, prefix, instance: 'b' });
      assert.equal(await post(a.url, '/in', message(7, 'STOP')), 200);
      await until('the STOP through A', () => ended(fake).has('447700900007'));
      assert.deepEqual(await listed(b), ['+447700900007 stop']);

      const answers = () => fake.requests.filter((r) => r.route === 'vonage-sms' && r.body.to === '447700900007').length;
      assert.equal(answers(), 1, 'the STOP confirmation went out');
      assert.equal(await post(b.url, '/in', message(7, 'hello')), 200);
      await until('the hello through B', () => fake.requests.filter((r) => r.path === '/end/+447700900007').length === 2);
      assert.equal(answers(), 1, 'B sent nothing to the listed sender');

      assert.equal(await post(b.url, '/in', message(7, 'START')), 200);
      await until('the START through B', () => fake.requests.filter((r) => r.path === '/end/+447700900007').length === 3);
      assert.deepEqual(await listed(a), []);
      assert.equal(answers(), 2, 'START is answered');
    });
  });
});
