'use strict';
// sms send with real Node-RED processes on the embedded store: a scheduled send waits in the
// store across a restart and goes out once, at its time.
const assert = require('node:assert/strict');
const { nodeRedProcess } = require('../support/node-red-process');
const { startFakeProvider } = require('../support/fake-provider');
const { until, sleep } = require('./flows');

function sendFlow(apiHost) {
  const tab = { id: 'tab', type: 'tab', label: 'send' };
  const account = { id: 'acct', type: 'sms account', name: 'twilio', provider: 'twilio', apiHost };
  const input = { id: 'in', z: 'tab', type: 'http in', url: '/go', method: 'post', wires: [['move', 'ok']] };
  const ok = { id: 'ok', z: 'tab', type: 'http response', statusCode: '200', wires: [] };
  const move = {
    id: 'move', z: 'tab', type: 'change', rules: [
      { t: 'move', p: 'payload.to', pt: 'msg', to: 'to', tot: 'msg' },
      { t: 'move', p: 'payload.sendAt', pt: 'msg', to: 'sendAt', tot: 'msg' },
    ], wires: [['send']],
  };
  const send = { id: 'send', z: 'tab', type: 'sms send', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'reminder', textType: 'str', rate: '', wires: [['end'], ['end']] };
  const end = { id: 'end', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${apiHost}/end/{{{topic}}}`, wires: [[]] };
  return [tab, account, input, ok, move, send, end];
}
const CREDS = { acct: { accountSid: 'AC00000000000000000000000000000001', authToken: 'token' } };

describe('sms send with real processes — embedded store', function () {
  this.timeout(120_000);
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

  it('a scheduled send waits in the store across a restart and goes out once, not before its time', async function () {
    nr = await nodeRedProcess({ flows: sendFlow(fake.url), credentials: CREDS, store: { type: 'embedded' } });
    await nr.start();
    const sendAt = Date.now() + 6000;
    const res = await fetch(`${nr.url}/go`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: '+447700900401', sendAt }) });
    assert.equal(res.status, 200);
    await sleep(500);
    await nr.stop();
    assert.equal(fake.requests.filter((r) => r.route === 'twilio').length, 0, 'nothing sent before its time');
    await nr.start();
    await until('the reminder at the end of the flow', () => fake.requests.some((r) => r.path.startsWith('/end/')), 30_000);
    await sleep(1500);
    const sends = fake.requests.filter((r) => r.route === 'twilio');
    assert.equal(sends.length, 1, 'sent once');
    assert.equal(sends[0].body.To, '+447700900401');
    assert.ok(sends[0].at >= sendAt, `not before its time (${sends[0].at - sendAt} ms)`);
  });
});
