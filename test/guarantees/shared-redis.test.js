'use strict';
// Two Node-RED processes on one real redis-server (SPEC §7, §12), redis stopped mid-test,
// and deploys under traffic — real processes, real HTTP.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { nodeRedProcess } = require('../support/node-red-process');
const { startFakeProvider } = require('../support/fake-provider');
const { useProcessHooks } = require('../support/process-hooks');
const { replyFlow, CREDS, inbound, post, ended, repliesBySender, until, sleep } = require('./flows');

describe('guarantees with real processes — two instances on one redis', function () {
  this.timeout(120_000);
  let fake;
  let redis;
  const started = [];

  useProcessHooks(started, (f, r) => {
    fake = f;
    redis = r;
  }, { redis: true });

  async function pair(flows) {
    const prefix = `t${crypto.randomBytes(3).toString('hex')}:`;
    const a = await nodeRedProcess({ flows, credentials: CREDS, store: { type: 'redis', url: redis.url, prefix, instance: 'a', timeoutMs: 500 } });
    const b = await nodeRedProcess({ flows, credentials: CREDS, store: { type: 'redis', url: redis.url, prefix, instance: 'b', timeoutMs: 500 } });
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);
    return [a, b];
  }

  it('a retry sent to the other instance is acknowledged and not emitted', async function () {
    const [a, b] = await pair(replyFlow(fake.url));
    const msg = inbound(1);
    assert.equal(await post(a.url, '/in', msg), 200);
    assert.equal(await post(b.url, '/in', msg), 200);
    await until('the reply', () => ended(fake).size === 1);
    await sleep(1000);
    assert.equal(fake.requests.filter((r) => r.path.startsWith('/end/')).length, 1, 'one instance emitted it');
    assert.deepEqual([...repliesBySender(fake).values()], [1]);
  });

  it('a message acknowledged by A, which is then killed, is emitted by A when it comes back, not by B', async function () {
    const [a, b] = await pair(replyFlow(fake.url, { delayMs: 3000 }));
    const msg = inbound(2);
    assert.equal(await post(a.url, '/in', msg), 200);
    await a.kill();
    // B restarts too (a deploy), and must leave A's message alone.
    await b.deploy(replyFlow(fake.url, { delayMs: 3000 }), 'full');
    await sleep(4000);
    assert.equal(ended(fake).size, 0, 'B did not emit what A acknowledged');
    await a.start();
    await until('A emitting it again', () => ended(fake).size === 1, 20_000);
    assert.deepEqual([...repliesBySender(fake).values()], [1]);
  });

  it('redis stopped mid-test: the status of sms in says so, Vonage gets 503, and nothing acknowledged is lost', async function () {
    // A status node passes every status of sms in to the fake provider's /status, where the test reads it.
    const watchStatus = [
      { id: 'watch', z: 'tab', type: 'status', scope: ['in'], wires: [['statusPayload']] },
      { id: 'statusPayload', z: 'tab', type: 'function', func: 'msg.payload = msg.status; return msg;', outputs: 1, wires: [['tell']] },
      { id: 'tell', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${fake.url}/status`, wires: [[]] },
    ];
    const statuses = () => fake.requests.filter((r) => r.path === '/status').map((r) => r.body);
    const [a] = await pair([...replyFlow(fake.url), ...watchStatus]);
    const before = inbound(3);
    assert.equal(await post(a.url, '/in', before), 200);
    await redis.stop();
    const during = inbound(4);
    assert.equal(await post(a.url, '/in', during), 503, 'Vonage retries a 503');
    await until('the log saying so', () => /sms store unavailable/.test(a.log), 5000);
    await until('the node status saying so', () => statuses().some((st) => st.fill === 'red' && /sms store unavailable/.test(st.text)), 5000);
    await redis.restart();
    // Redis came back empty (it saves nothing); the provider's retry is taken now.
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = await post(a.url, '/in', during);
      if (status !== 200) await sleep(250);
    }
    assert.equal(status, 200);
    await until('both answered', () => ended(fake).size === 2, 20_000);
    await until('the status back to normal', () => !/unavailable/.test(statuses().at(-1)?.text ?? ''), 5000);
  });
});

describe('guarantees with real processes — deploys under traffic', function () {
  this.timeout(180_000);
  let fake;
  let nr;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(async () => {
    if (nr) {
      await nr.kill();
      nr.remove();
    }
    await fake.close();
  });

  it('100 deploys (full and nodes) while messages arrive: no 404 on the path that exists throughout', async function () {
    const flows = (i) => replyFlow(fake.url).map((n) => (n.id === 'in' ? { ...n, name: `v${i}` } : n));
    nr = await nodeRedProcess({ flows: flows(0), credentials: CREDS, store: { type: 'embedded' } });
    await nr.start();
    const statuses = new Map();
    let stop = false;
    let n = 0;
    const traffic = async () => {
      while (!stop) {
        const s = await post(nr.url, '/in', inbound(n++ % 90000));
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    };
    const senders = Array.from({ length: 4 }, traffic);
    for (let i = 1; i <= 100; i++) await nr.deploy(flows(i), i % 2 ? 'full' : 'nodes');
    stop = true;
    await Promise.all(senders);
    assert.equal(statuses.get(404) ?? 0, 0, `answers: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(200) ?? 0) > 100, `traffic flowed during the deploys: ${JSON.stringify([...statuses])}`);
  });
});
