'use strict';
// A broadcast interrupted by a restart, with real Node-RED processes on the embedded store:
// the queue goes on where it stopped, no recipient gets a message twice, and only a send that
// was in flight at a kill -9 may come back as unknown-outcome (SPEC §3 resend rule).
const assert = require('node:assert/strict');
const { nodeRedProcess } = require('../support/node-red-process');
const { startFakeProvider } = require('../support/fake-provider');
const { until, sleep } = require('./flows');

const RECIPIENTS = Array.from({ length: 60 }, (_, i) => `+4477009005${String(i).padStart(2, '0')}`);

function broadcastFlow(apiHost, rate = '5') {
  const tab = { id: 'tab', type: 'tab', label: 'broadcast' };
  const account = { id: 'acct', type: 'sms account', name: 'twilio', provider: 'twilio', apiHost };
  const input = { id: 'in', z: 'tab', type: 'http in', url: '/go', method: 'post', wires: [['move', 'ok']] };
  const ok = { id: 'ok', z: 'tab', type: 'http response', statusCode: '200', wires: [] };
  const move = { id: 'move', z: 'tab', type: 'change', rules: [{ t: 'move', p: 'payload.to', pt: 'msg', to: 'to', tot: 'msg' }], wires: [['send']] };
  const send = { id: 'send', z: 'tab', type: 'sms send', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'news', textType: 'str', rate, wires: [['sent'], ['notSent']] };
  // Each result is reported back to the fake, so the test sees outputs 1 and 2 across processes.
  const sent = { id: 'sent', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${apiHost}/end/sent/{{{topic}}}`, wires: [[]] };
  const notSent = { id: 'notSent', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${apiHost}/end/not-sent/{{{topic}}}/{{{sms.notSent.reason}}}`, wires: [[]] };
  return [tab, account, input, ok, move, send, sent, notSent];
}
const CREDS = { acct: { accountSid: 'AC00000000000000000000000000000001', authToken: 'token' } };

describe('a broadcast across a restart — embedded store', function () {
  this.timeout(240_000);
  let fake;
  let nr;
  beforeEach(async () => {
    fake = await startFakeProvider();
  });
  afterEach(async () => {
    if (nr) {
      await nr.kill();
      nr.remove();
      nr = undefined;
    }
    await fake.close();
  });

  for (const how of ['stop', 'kill']) {
    it(`${how === 'stop' ? 'a clean stop' : 'kill -9'} after ~10 of 60 sent at 5/s: after the restart each recipient gets exactly one message${how === 'kill' ? ', except the in-flight ones reported unknown-outcome, never two' : ''}`, async function () {
      nr = await nodeRedProcess({ flows: broadcastFlow(fake.url), credentials: CREDS, store: { type: 'embedded' } });
      await nr.start();
      const res = await fetch(`${nr.url}/go`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: RECIPIENTS }) });
      assert.equal(res.status, 200);
      const sends = () => fake.requests.filter((r) => r.route === 'twilio');
      await until('10 sends at the fake', () => sends().length >= 10, 60_000);
      if (how === 'stop') await nr.stop();
      else await nr.kill();
      const before = sends().length;
      assert.ok(before < RECIPIENTS.length, `stopped in the middle (${before} sent)`);
      await nr.start();
      const ends = () => fake.requests.filter((r) => r.path.startsWith('/end/'));
      const unknown = () => ends().filter((r) => r.path.endsWith('/unknown-outcome')).map((r) => decodeURIComponent(r.path.split('/')[3]));
      // Every recipient has a message at the fake or an unknown-outcome report.
      await until('every recipient sent or reported', () => RECIPIENTS.every((to) => sends().some((r) => r.body.To === to) || unknown().includes(to)), 120_000);
      await sleep(1500);
      const count = new Map();
      for (const r of sends()) count.set(r.body.To, (count.get(r.body.To) ?? 0) + 1);
      const twice = [...count].filter(([, n]) => n > 1).map(([to]) => to);
      assert.deepEqual(twice, [], 'no recipient got two messages');
      const reported = unknown();
      if (how === 'stop') assert.deepEqual(reported, [], 'a clean stop leaves no send of unknown outcome');
      else assert.ok(reported.length <= 2, `only the in-flight sends are of unknown outcome (${reported.join(', ')})`);
      for (const to of RECIPIENTS) if (!reported.includes(to)) assert.equal(count.get(to), 1, `${to} got exactly one message`);
      assert.ok(reported.every((to) => (count.get(to) ?? 0) <= 1), 'an unknown-outcome send is never sent again');
    });
  }

  it('a clean stop while the provider does not answer: the jobs taken ahead of their requests go back to the queue and are sent once after the restart; only those at the provider are unknown-outcome', async function () {
    // 4 requests at once, and twice as many jobs taken ahead waiting for a place; the first 4 requests never answered.
    nr = await nodeRedProcess({ flows: broadcastFlow(fake.url, '100000'), credentials: CREDS, store: { type: 'embedded' }, settings: { smsSend: { concurrency: 4 } } });
    fake.script('twilio', { hang: true }, { hang: true }, { hang: true }, { hang: true });
    await nr.start();
    const res = await fetch(`${nr.url}/go`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: RECIPIENTS }) });
    assert.equal(res.status, 200);
    const sends = () => fake.requests.filter((r) => r.route === 'twilio');
    await until('4 requests at the fake', () => sends().length >= 4, 60_000);
    await sleep(500);
    const atProvider = sends().map((r) => r.body.To);
    assert.equal(atProvider.length, 4, 'no more than the concurrency of requests out at once');
    const queue = await (await fetch(`${nr.url}/sms-queue/accounts`)).json();
    assert.equal(queue.accounts.find((x) => x.id === 'acct').sending, 12, 'twice as many jobs taken ahead as are at the provider');
    await nr.stop();
    await nr.start();
    const ends = () => fake.requests.filter((r) => r.path.startsWith('/end/'));
    const unknown = () => ends().filter((r) => r.path.endsWith('/unknown-outcome')).map((r) => decodeURIComponent(r.path.split('/')[3]));
    await until('every recipient sent or reported', () => RECIPIENTS.every((to) => sends().some((r) => r.body.To === to) || unknown().includes(to)), 120_000);
    await sleep(1500);
    assert.deepEqual(unknown().sort(), [...atProvider].sort(), 'only the requests the provider held are of unknown outcome');
    const count = new Map();
    for (const r of sends()) count.set(r.body.To, (count.get(r.body.To) ?? 0) + 1);
    for (const to of RECIPIENTS) assert.equal(count.get(to), 1, `${to} got exactly one message`);
  });
});
