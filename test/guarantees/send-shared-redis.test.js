'use strict';
// Two Node-RED processes on one real redis-server sending from the same sender (SPEC §7, §8):
// one queue and one pace for both. A broadcast is queued on each instance; the fake provider
// records when each request arrived, and no 1-second window holds more than the sender's rate.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { nodeRedProcess } = require('../support/node-red-process');
const { startFakeProvider } = require('../support/fake-provider');
const { startRedis } = require('../support/redis-server');
const { until, sleep } = require('./flows');

const RATE = 5;
const HALF = 30;
const RECIPIENTS = Array.from({ length: 2 * HALF }, (_, i) => `+4477009006${String(i).padStart(2, '0')}`);

/** The same broadcast flow on both instances; each reports its results under its own name. */
function broadcastFlow(apiHost, name) {
  const tab = { id: 'tab', type: 'tab', label: 'broadcast' };
  const account = { id: 'acct', type: 'sms account', name: 'twilio', provider: 'twilio', apiHost };
  const input = { id: 'in', z: 'tab', type: 'http in', url: '/go', method: 'post', wires: [['move', 'ok']] };
  const ok = { id: 'ok', z: 'tab', type: 'http response', statusCode: '200', wires: [] };
  const move = { id: 'move', z: 'tab', type: 'change', rules: [{ t: 'move', p: 'payload.to', pt: 'msg', to: 'to', tot: 'msg' }], wires: [['send']] };
  const send = { id: 'send', z: 'tab', type: 'sms send', account: 'acct', from: '+15557650003', to: 'to', toType: 'msg', text: 'news', textType: 'str', rate: String(RATE), wires: [['sent'], ['notSent']] };
  const sent = { id: 'sent', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${apiHost}/end/${name}/sent/{{{topic}}}`, wires: [[]] };
  const notSent = { id: 'notSent', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${apiHost}/end/${name}/not-sent/{{{topic}}}/{{{sms.notSent.reason}}}`, wires: [[]] };
  return [tab, account, input, ok, move, send, sent, notSent];
}
const CREDS = { acct: { accountSid: 'AC00000000000000000000000000000001', authToken: 'token' } };

/** Instance A also sends for a second account whose requests the test makes hang, on its own input. */
function withHungAccount(apiHost) {
  const account = { id: 'acctX', type: 'sms account', name: 'other', provider: 'twilio', apiHost };
  const input = { id: 'inX', z: 'tab', type: 'http in', url: '/hang', method: 'post', wires: [['moveX', 'okX']] };
  const ok = { id: 'okX', z: 'tab', type: 'http response', statusCode: '200', wires: [] };
  const move = { id: 'moveX', z: 'tab', type: 'change', rules: [{ t: 'move', p: 'payload.to', pt: 'msg', to: 'to', tot: 'msg' }], wires: [['sendX']] };
  const send = { id: 'sendX', z: 'tab', type: 'sms send', account: 'acctX', from: '+15557650009', to: 'to', toType: 'msg', text: 'other', textType: 'str', rate: '100', wires: [[], []] };
  return [...broadcastFlow(apiHost, 'a'), account, input, ok, move, send];
}
const CREDS_X = { ...CREDS, acctX: { accountSid: 'AC00000000000000000000000000000009', authToken: 'token' } };

/** The most arrivals (epoch ms, sorted) inside any window of `ms` (a window [t, t + ms)). */
function mostInWindow(times, ms) {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= ms) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('a broadcast on two instances sharing one redis: one queue, one rate', function () {
  this.timeout(180_000);
  let fake;
  let redis;
  const started = [];

  before(async () => {
    fake = await startFakeProvider();
    redis = await startRedis();
  });
  after(async () => {
    for (const nr of started.splice(0)) {
      await nr.kill();
      nr.remove();
    }
    await fake.close();
    await redis.stop();
  });

  it(`${RECIPIENTS.length} recipients queued on both at ${RATE}/s: no 1-second window over the rate at the provider, each recipient once, both instances sending`, async function () {
    const prefix = `t${crypto.randomBytes(3).toString('hex')}:`;
    const store = (instance) => ({ type: 'redis', url: redis.url, prefix, instance, timeoutMs: 500 });
    const a = await nodeRedProcess({ flows: broadcastFlow(fake.url, 'a'), credentials: CREDS, store: store('a') });
    const b = await nodeRedProcess({ flows: broadcastFlow(fake.url, 'b'), credentials: CREDS, store: store('b') });
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);

    const go = (nr, to) => fetch(`${nr.url}/go`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to }) });
    const answers = await Promise.all([go(a, RECIPIENTS.slice(0, HALF)), go(b, RECIPIENTS.slice(HALF))]);
    assert.deepEqual(answers.map((r) => r.status), [200, 200]);

    const sends = () => fake.requests.filter((r) => r.route === 'twilio');
    const ends = () => fake.requests.filter((r) => r.path.startsWith('/end/'));
    await until('every recipient reported sent', () => ends().length >= RECIPIENTS.length, 120_000);
    await sleep(1000);

    const count = new Map();
    for (const r of sends()) count.set(r.body.To, (count.get(r.body.To) ?? 0) + 1);
    assert.deepEqual(RECIPIENTS.filter((to) => count.get(to) !== 1), [], 'each recipient got exactly one message');
    assert.equal(sends().length, RECIPIENTS.length, 'nothing else was sent');
    const notSent = ends().filter((r) => r.path.includes('/not-sent/'));
    assert.deepEqual(notSent.map((r) => r.path), [], 'nothing reported not sent');

    const by = (name) => ends().filter((r) => r.path.startsWith(`/end/${name}/sent/`)).length;
    assert.ok(by('a') > 0 && by('b') > 0, `both instances sent (a ${by('a')}, b ${by('b')})`);

    const times = sends().map((r) => r.at).sort((x, y) => x - y);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    const most = mostInWindow(times, 1000);
    assert.ok(most <= RATE, `at most ${RATE} requests in any 1-second window at the provider, saw ${most} (gaps in ms: ${gaps.join(' ')})`);
    // At the rate, n messages take (n - 1) / rate seconds at least — and not much more: the pace is shared, not halved.
    const took = times.at(-1) - times[0];
    const least = ((RECIPIENTS.length - 1) * 1000) / RATE;
    assert.ok(took >= least, `the broadcast took ${took} ms, at least ${least} ms at ${RATE}/s`);
    assert.ok(took < 2 * least, `the broadcast took ${took} ms, less than twice the ${least} ms at ${RATE}/s`);
  });

  it('requests of another account hang on A and hold all its places: the sender\'s jobs A took go back to the queue before their lease ends, and go out in order, never over the rate', async function () {
    const prefix = `t${crypto.randomBytes(3).toString('hex')}:`;
    const store = (instance) => ({ type: 'redis', url: redis.url, prefix, instance, timeoutMs: 500 });
    fake.reset();
    // A sends 2 requests at once, and gives a request 25 s: past the 10 s lease of the jobs it
    // took, and past the time B needs for the list (about 10 s), so A's places stay held throughout.
    const a = await nodeRedProcess({ flows: withHungAccount(fake.url), credentials: CREDS_X, store: store('a'), settings: { smsSend: { concurrency: 2 }, smsRetry: { timeoutMs: 25_000 } } });
    const b = await nodeRedProcess({ flows: broadcastFlow(fake.url, 'b'), credentials: CREDS, store: store('b') });
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const post = (nr, route, to) => fetch(`${nr.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to }) });
    const sends = () => fake.requests.filter((r) => r.route === 'twilio');
    fake.script('twilio', { hang: true }, { hang: true });
    assert.equal((await post(a, '/hang', ['+447700900690', '+447700900691'])).status, 200);
    await until('the other account\'s 2 requests at the fake', () => sends().length >= 2, 30_000);
    const list = RECIPIENTS.slice(0, 20);
    assert.equal((await post(a, '/go', list)).status, 200);
    const ours = () => sends().filter((r) => r.body.From === '+15557650003');
    const ends = () => fake.requests.filter((r) => r.path.startsWith('/end/'));
    await until('every recipient sent', () => list.every((to) => ours().some((r) => r.body.To === to)), 90_000);
    await sleep(1500);
    const got = ours().map((r) => r.body.To);
    assert.deepEqual(got, list, 'each recipient once, in the order of the list');
    const times = ours().map((r) => r.at).sort((x, y) => x - y);
    const most = mostInWindow(times, 1000);
    assert.ok(most <= RATE, `at most ${RATE} requests in any 1-second window at the provider, saw ${most}`);
    // Once B sends them, the broadcast goes on at the pace: A, whose places are still held, takes
    // none of them again to hold them another half lease.
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.ok(Math.max(...gaps) < 2000, `no stall once the jobs went back to the queue (gaps in ms: ${gaps.join(' ')})`);
    const byA = ends().filter((r) => r.path.startsWith('/end/a/sent/')).length;
    assert.equal(byA, 0, 'A sent none of them while the other account\'s requests held its places');
  });
});
