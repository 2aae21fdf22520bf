'use strict';
const assert = require('node:assert/strict');
const twilio = require('twilio');
const rt = require('../../support/runtime');

const TOKEN = 'test-auth-token-123';
let counter = 0;
/** A fresh MessageSid each time: a repeated one is a retry, acknowledged but not emitted. */
const sid = () => `SM${String(++counter).padStart(32, '0')}`;
const base = {
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: '+14155550100',
  To: '+14155550199',
  Body: 'Hours please',
  NumMedia: '0',
  NumSegments: '1',
};

function flow({ wiredTo = 'out', extra = [], inNode = {} } = {}) {
  return [
    { id: 'acct', type: 'sms account', provider: 'twilio', name: 'tw' },
    { id: 'in', type: 'sms in', account: 'acct', provider: 'auto', path: '/sms/tw', replyTimeout: 1, wires: [[wiredTo]], ...inNode },
    { id: 'out', type: 'helper' },
    ...extra,
  ];
}
const creds = { acct: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: TOKEN } };

function sign(url, params) {
  return twilio.getExpectedTwilioSignature(TOKEN, url, params);
}

describe('sms in — Twilio over HTTP', function () {
  let inbound;
  beforeEach(() => {
    inbound = { ...base, MessageSid: sid() };
  });
  after(() => rt.stopServer());
  afterEach(() => rt.unload());

  it('answers a signed request through core http response and rejects a forged one', async function () {
    const { url } = await rt.load(
      flow({
        wiredTo: 'tpl',
        extra: [
          { id: 'tpl', type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '<Response><Message>Open 9-5</Message></Response>', tot: 'str' }], wires: [['resp']] },
          { id: 'resp', type: 'http response', headers: { 'content-type': 'text/xml' }, wires: [] },
        ],
      }),
      creds,
    );
    const target = url('/sms/tw');
    const ok = await rt.postForm(target, inbound, { 'X-Twilio-Signature': sign(target, inbound) });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /<Message>Open 9-5<\/Message>/);
    const forged = await rt.postForm(target, { ...inbound, Body: 'tampered' }, { 'X-Twilio-Signature': sign(target, inbound) });
    assert.equal(forged.status, 403);
    assert.match(forged.text, /signature/);
  });

  it('emits the normalized message with req and res', async function () {
    const { url } = await rt.load(flow(), creds);
    const out = rt.collector('out');
    const target = url('/sms/tw');
    const pending = rt.postForm(target, inbound, { 'X-Twilio-Signature': sign(target, inbound) });
    const msg = await out.next();
    assert.equal(msg.payload, 'Hours please');
    assert.equal(msg.topic, '+14155550100');
    assert.equal(msg.sms.provider, 'twilio');
    assert.equal(msg.sms.keyword, 'HOURS');
    assert.equal(msg.sms.account, 'acct');
    assert.ok(msg.res && msg.res._res, 'msg.res._res is the live response');
    assert.ok(msg.req && msg.req.headers);
    // Nothing downstream can answer, so Twilio got an empty answer at once.
    const res = await pending;
    assert.equal(res.status, 200);
    assert.match(res.text, /<Response\/>/);
  });
});
