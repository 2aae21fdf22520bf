'use strict';
// The webhook body as providers send it (UTF-8 form or JSON with a length) is read straight
// from the stream; it must read exactly as body-parser did.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');

const flow = [
  { id: 'bd-vm', type: 'sms in', provider: 'vonage-messages', path: '/bd/vm', wires: [['bd-out']] },
  { id: 'bd-tw', type: 'sms in', provider: 'twilio', path: '/bd/tw', wires: [['bd-out']] },
  { id: 'bd-out', type: 'helper' },
];
const inbound = (id) => ({ channel: 'sms', message_uuid: id, to: '447700900000', from: '447700900001', text: 'hé 🙂', message_type: 'text' });

describe('sms in — reading the body', function () {
  let url;
  let out;
  before(async () => {
    ({ url } = await rt.load(flow, {}));
    out = rt.collector('bd-out');
  });
  after(async () => {
    await rt.unload();
    await rt.stopServer();
  });

  it('reads JSON with a byte-order mark and a quoted UTF-8 charset', async function () {
    const body = '\uFEFF' + JSON.stringify(inbound('aaaaaaaa-bbbb-4ccc-8ddd-00000000b001'));
    const res = await rt.send(url('/bd/vm'), { headers: { 'content-type': 'application/json; charset="UTF-8"' }, body });
    assert.equal(res.status, 200, res.text);
    assert.equal((await out.next()).payload, 'hé 🙂');
  });

  it('refuses JSON that is not an object or array, and broken JSON, with "invalid JSON"', async function () {
    for (const body of ['"text"', '42', '{"text": "hi"', '']) {
      const res = await rt.send(url('/bd/vm'), { headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
      if (body) assert.match(res.text, /invalid JSON/);
    }
    await rt.sleep(20);
    assert.equal(out.messages.length, 0);
  });

  it('refuses a webhook whose JSON nests thousands deep (it would overflow the stack of the next node that walks it)', async function () {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const body = JSON.stringify(inbound('aaaaaaaa-bbbb-4ccc-8ddd-00000000b002')).replace(/}$/, `,"extra":${deep}}`);
    const res = await rt.send(url('/bd/vm'), { headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 400);
    assert.match(res.text, /nested more than 32 levels/);
    await rt.sleep(20);
    assert.equal(out.messages.length, 0);
  });

  it('reads a form in UTF-8, with percent-escapes and a repeated name', async function () {
    const body = 'MessageSid=SMbody0001&AccountSid=AC1&From=%2B14155550100&To=%2B14155550199&Body=caf%C3%A9+%26+cr%C3%A8me&Tag=a&Tag=b';
    const res = await rt.send(url('/bd/tw'), { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
    assert.equal(res.status, 200, res.text);
    const msg = await out.next();
    assert.equal(msg.payload, 'café & crème');
    assert.deepEqual(msg.sms.raw.Tag, ['a', 'b']);
  });
});
