'use strict';
// A pause of an account's outbound queue from the SMS sidebar's admin route (SPEC §8), with
// real Node-RED processes: it holds across a restart (embedded store), and on a second
// instance on the same redis; the held send goes out once after resume.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { nodeRedProcess } = require('../support/node-red-process');
const { useProcessHooks } = require('../support/process-hooks');
const { until, sleep } = require('./flows');

function sendFlow(apiHost) {
  const tab = { id: 'tab', type: 'tab', label: 'send' };
  const account = { id: 'acct', type: 'sms account', name: 'twilio', provider: 'twilio', apiHost };
  const input = { id: 'in', z: 'tab', type: 'http in', url: '/go', method: 'post', wires: [['move', 'ok']] };
  const ok = { id: 'ok', z: 'tab', type: 'http response', statusCode: '200', wires: [] };
  const move = { id: 'move', z: 'tab', type: 'change', rules: [{ t: 'move', p: 'payload.to', pt: 'msg', to: 'to', tot: 'msg' }], wires: [['send']] };
  const send = { id: 'send', z: 'tab', type: 'sms send', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'held', textType: 'str', rate: '', wires: [[], []] };
  return [tab, account, input, ok, move, send];
}
const CREDS = { acct: { accountSid: 'AC00000000000000000000000000000001', authToken: 'token' } };

async function admin(nr, route, account = 'acct') {
  const res = await fetch(`${nr.url}/sms-queue/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account }) });
  assert.equal(res.status, 200, `${route}: ${await res.clone().text()}`);
  return res.json();
}

async function listed(nr) {
  const res = await fetch(`${nr.url}/sms-queue/accounts`);
  assert.equal(res.status, 200);
  return (await res.json()).accounts.find((a) => a.id === 'acct');
}

async function go(nr, to) {
  const res = await fetch(`${nr.url}/go`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to }) });
  assert.equal(res.status, 200);
}

describe('a paused outbound queue with real processes', function () {
  this.timeout(120_000);
  let fake;
  let redis;
  const started = [];
  const sends = () => fake.requests.filter((r) => r.route === 'twilio');

  useProcessHooks(started, (f, r) => {
    fake = f;
    redis = r;
  }, { redis: true });

  it('embedded store: stays paused across a restart, and sends once after resume', async function () {
    const nr = await nodeRedProcess({ flows: sendFlow(fake.url), credentials: CREDS, store: { type: 'embedded' } });
    started.push(nr);
    await nr.start();
    await admin(nr, 'pause');
    await go(nr, '+447700900701');
    await sleep(2000);
    await nr.stop();
    await nr.start();
    // Longer than the queue takes to send after a start when nothing holds it.
    await sleep(3000);
    assert.equal(sends().length, 0, 'nothing sent while paused, before or after the restart');
    const after = await listed(nr);
    assert.equal(after.paused, true);
    assert.equal(after.waiting, 1);
    await admin(nr, 'resume');
    await until('the held send', () => sends().length === 1, 20_000);
    await sleep(1000);
    assert.deepEqual(sends().map((r) => r.body.To), ['+447700900701'], 'sent once');
  });

  it('two instances on one redis: paused on A holds what B queues; resumed on B, it goes out once', async function () {
    const prefix = `q${crypto.randomBytes(3).toString('hex')}:`;
    const [a, b] = await Promise.all(['a', 'b'].map((instance) => nodeRedProcess({ flows: sendFlow(fake.url), credentials: CREDS, store: { type: 'redis', url: redis.url, prefix, instance, timeoutMs: 500 } })));
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await admin(a, 'pause');
    // At once, before B re-reads what is paused: the store's own check in each take holds it.
    await go(b, '+447700900702');
    await sleep(3000);
    assert.equal(sends().length, 0, 'nothing sent by either instance while paused');
    assert.equal((await listed(b)).paused, true, 'B sees the pause');
    assert.equal((await listed(b)).waiting, 1);
    await admin(b, 'resume');
    await until('the held send', () => sends().length === 1, 20_000);
    await sleep(1000);
    assert.deepEqual(sends().map((r) => r.body.To), ['+447700900702'], 'sent once');
  });
});
