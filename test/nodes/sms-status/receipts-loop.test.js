'use strict';
// Issue: replies that ask for delivery receipts, and the receipts coming back through
// `sms status` — the whole loop over real HTTP.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');
const crypto = require('node:crypto');
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('../../support/sign');

const PUBLIC = 'https://public.example';
const TOKEN = 'loop-token';
const SID = 'AC00000000000000000000000000000009';
const SECRET = 'loop-secret';
let n = 0;
const unique = (prefix) => `${prefix}${Date.now()}${++n}`;

/** `receipts` names the sms status node; `{ status: 'st' }` is how 0.1.x saved it. */
function loopFlow(account, { replyTimeout = 10, middle, receiptsSetting = { receipts: 'st' } } = {}) {
  return [
    { id: 'acct', type: 'sms account', name: 'loop', publicUrl: PUBLIC, ...account },
    { id: 'in', type: 'sms in', account: 'acct', path: '/sms/in', replyTimeout, wires: [[middle ? middle.id : 'reply']] },
    ...(middle ? [middle] : []),
    { id: 'reply', type: 'sms reply', text: 'Thanks!', ...receiptsSetting, wires: [['replied']] },
    { id: 'replied', type: 'helper' },
    { id: 'st', type: 'sms status', account: 'acct', path: '/sms/receipts', wires: [['receipts']] },
    { id: 'receipts', type: 'helper' },
  ];
}

async function postTwilio(url, path, params) {
  // The account's public URL is what Twilio signs, whatever address the request reaches.
  return rt.postForm(url(path), params, { 'X-Twilio-Signature': twilioSignature(TOKEN, PUBLIC + path, params) });
}

describe('reply → delivery receipt loop', function () {
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });

  it('Twilio TwiML: <Message action> names the sms status URL, and the callback comes out of sms status', async function () {
    const { url } = await rt.load(loopFlow({ provider: 'twilio' }), { acct: { authToken: TOKEN } });
    const receipts = rt.collector('receipts');
    const inbound = { MessageSid: unique('SM'), AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: 'hi' };
    const res = await postTwilio(url, '/sms/in', inbound);
    assert.match(res.text, /<Message action="https:\/\/public\.example\/sms\/receipts" method="POST">Thanks!<\/Message>/);

    const replySid = unique('SM');
    const callback = { MessageSid: replySid, AccountSid: SID, MessageStatus: 'delivered', From: '+14155550199', To: '+14155550100' };
    const ack = await postTwilio(url, '/sms/receipts', callback);
    assert.equal(ack.status, 200);
    const msg = await receipts.next();
    assert.equal(msg.payload, 'delivered');
    assert.equal(msg.topic, replySid);
    assert.equal(msg.status.final, true);
  });

  it('Twilio REST (late reply): statusCallback is sent to Twilio', async function () {
    const wait = { id: 'wait', type: 'function', func: 'setTimeout(() => node.send(msg), 500); return null;', outputs: 1, wires: [['reply']] };
    const { url } = await rt.load(loopFlow({ provider: 'twilio', apiHost: fake.url }, { replyTimeout: 0.2, middle: wait }), {
      acct: { accountSid: SID, authToken: TOKEN },
    });
    const replied = rt.collector('replied');
    await postTwilio(url, '/sms/in', { MessageSid: unique('SM'), AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: 'hi' });
    await replied.next(3000);
    assert.equal(fake.requests[0].body.StatusCallback, `${PUBLIC}/sms/receipts`);
  });

  it('Vonage SMS API: the send carries callback, and the receipt comes out of sms status', async function () {
    const { url } = await rt.load(loopFlow({ provider: 'vonage', apiHost: fake.url }), {
      acct: { signatureSecret: SECRET, apiKey: 'k', apiSecret: 's' },
    });
    const replied = rt.collector('replied');
    const receipts = rt.collector('receipts');
    const inbound = signVonageSms(SECRET, { msisdn: '447700900001', to: '447700900000', messageId: unique('1A'), text: 'hi', type: 'text' });
    await rt.postForm(url('/sms/in'), inbound);
    const sent = await replied.next(3000);
    assert.equal(fake.requests[0].body.callback, `${PUBLIC}/sms/receipts`);

    const dlr = signVonageSms(SECRET, {
      msisdn: '447700900001',
      to: '447700900000',
      'network-code': '23410',
      messageId: sent.sms.reply.messageId,
      price: '0.03330000',
      status: 'delivered',
      scts: '2611220915',
      'err-code': '0',
      'message-timestamp': '2026-11-22 09:15:00',
    });
    const ack = await rt.postForm(url('/sms/receipts'), dlr);
    assert.equal(ack.status, 200);
    const msg = await receipts.next();
    assert.equal(msg.payload, 'delivered');
    assert.equal(msg.status.messageId, sent.sms.reply.messageId);
    assert.equal(msg.status.price, 0.0333);
  });

  it('Vonage Messages API: the send carries webhook_url, and the status webhook comes out of sms status', async function () {
    const { url } = await rt.load(loopFlow({ provider: 'vonage', apiHost: fake.url }), {
      acct: { signatureSecret: SECRET, apiKey: 'k', apiSecret: 's' },
    });
    const replied = rt.collector('replied');
    const receipts = rt.collector('receipts');
    const inbound = JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), from: '447700900001', to: '447700900000', text: 'hi' });
    await rt.postJson(url('/sms/in'), inbound, { authorization: `Bearer ${vonageMessagesJwt(SECRET, inbound)}` });
    const sent = await replied.next(3000);
    assert.equal(fake.requests[0].path, '/v1/messages');
    assert.equal(fake.requests[0].body.webhook_url, `${PUBLIC}/sms/receipts`);

    const status = JSON.stringify({ message_uuid: sent.sms.reply.messageId, status: 'delivered', timestamp: '2026-11-22T09:15:00Z', to: '447700900001', from: '447700900000', channel: 'sms' });
    const ack = await rt.postJson(url('/sms/receipts'), status, { authorization: `Bearer ${vonageMessagesJwt(SECRET, status)}` });
    assert.equal(ack.status, 200);
    const msg = await receipts.next();
    assert.equal(msg.payload, 'delivered');
    assert.equal(msg.status.messageId, sent.sms.reply.messageId);
  });

  describe('a 0.1.x flow that saved the sms status node as `status`', function () {
    const old = { receiptsSetting: { status: 'st' } };

    it('Twilio REST: still sends StatusCallback', async function () {
      const wait = { id: 'wait', type: 'function', func: 'setTimeout(() => node.send(msg), 500); return null;', outputs: 1, wires: [['reply']] };
      const { url } = await rt.load(loopFlow({ provider: 'twilio', apiHost: fake.url }, { ...old, replyTimeout: 0.2, middle: wait }), {
        acct: { accountSid: SID, authToken: TOKEN },
      });
      const replied = rt.collector('replied');
      await postTwilio(url, '/sms/in', { MessageSid: unique('SM'), AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: 'hi' });
      await replied.next(3000);
      assert.equal(fake.requests[0].body.StatusCallback, `${PUBLIC}/sms/receipts`);
    });

    it('Vonage Messages API: still sends webhook_url', async function () {
      const { url } = await rt.load(loopFlow({ provider: 'vonage', apiHost: fake.url }, old), {
        acct: { signatureSecret: SECRET, apiKey: 'k', apiSecret: 's' },
      });
      const replied = rt.collector('replied');
      const inbound = JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), from: '447700900001', to: '447700900000', text: 'hi' });
      await rt.postJson(url('/sms/in'), inbound, { authorization: `Bearer ${vonageMessagesJwt(SECRET, inbound)}` });
      await replied.next(3000);
      assert.equal(fake.requests[0].body.webhook_url, `${PUBLIC}/sms/receipts`);
    });

    it('ignores the status-dot object the 0.1.x editor wrote over it', async function () {
      const { url } = await rt.load(loopFlow({ provider: 'twilio' }, { receiptsSetting: { status: { text: 'replied', fill: 'green', shape: 'dot' } } }), {
        acct: { authToken: TOKEN },
      });
      const res = await postTwilio(url, '/sms/in', { MessageSid: unique('SM'), AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: 'hi' });
      assert.match(res.text, /<Message>Thanks!<\/Message>/);
    });
  });

  it('asks for no receipt, and warns, when the account has no public URL', async function () {
    const flow = loopFlow({ provider: 'twilio' });
    flow[0].publicUrl = '';
    const { url } = await rt.load(flow, { acct: { authToken: TOKEN } });
    const replied = rt.collector('replied');
    const params = { MessageSid: unique('SM'), AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: 'hi' };
    const target = url('/sms/in');
    const res = await rt.postForm(target, params, { 'X-Twilio-Signature': twilioSignature(TOKEN, target, params) });
    assert.match(res.text, /<Message>Thanks!<\/Message>/);
    await replied.next();
    const warned = rt.helper.log().args.some((a) => /no delivery receipts for this reply: set the public URL/.test(String(a[0].msg)));
    assert.ok(warned, 'the node warns that receipts need a public URL');
  });
});
