'use strict';
// The opt-out list kept by the nodes (SPEC §3, §8) in a real runtime, real HTTP: sms in puts a
// STOP on the account's list before the flow sees it and takes a START off; sms reply sends a
// listed sender only the answers to STOP / HELP / START; a provider's "opted out" refusal
// (Twilio 21610, Vonage SMS API status 7) lists the number. The list is read through the
// sidebar's admin routes, as a person would see it.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('../../support/sign');

const SID = 'AC00000000000000000000000000000015';
const TOKEN = 'consent-twilio-token';
const TWILIO_KEY = `twilio:${SID}`;
// Each test its own sender: the runtime's store outlives one test's flow.
let SENDER = '';
let senders = 100;
const OUR_NUMBER = '+14155550199';

function onTab(nodes) {
  return [{ id: 'tab', type: 'tab', label: 'consent' }, ...nodes.map((n) => (n.type === 'sms account' ? n : { z: 'tab', x: 0, y: 0, ...n }))];
}

/** sms in → [check: the list as the flow sees it] → sms reply (a fixed text, or the STOP answer) → out. */
function twilioFlow(apiHost, { wait = 0, replyTimeout = 10 } = {}) {
  const middle = wait ? [{ id: 'wait', type: 'function', func: `setTimeout(() => node.send(msg), ${wait}); return null;`, outputs: 1, wires: [['reply']] }] : [];
  return onTab([
    { id: 'acct', type: 'sms account', name: 'main', provider: 'twilio', apiHost },
    { id: 'in', type: 'sms in', account: 'acct', provider: 'twilio', path: '/c/in', replyTimeout, wires: [['seen', wait ? 'wait' : 'reply']] },
    { id: 'seen', type: 'helper' },
    ...middle,
    { id: 'reply', type: 'sms reply', text: '{{#sms.optOut}}You are unsubscribed{{/sms.optOut}}{{^sms.optOut}}Thanks for your message{{/sms.optOut}}', media: '', wires: [['out']] },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ]);
}
const twilioCreds = { acct: { accountSid: SID, authToken: TOKEN } };

function twilioParams(body, extra = {}) {
  return { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`, AccountSid: SID, From: SENDER, To: OUR_NUMBER, Body: body, ...extra };
}

async function postTwilio(url, params) {
  return rt.postForm(url, params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url, params) });
}

async function listOf(account) {
  const res = await rt.helper.request().get('/sms-consent/lists').query({ account }).expect(200);
  return res.body.entries;
}

describe('opt-out list kept by sms in and sms reply', function () {
  this.timeout(20_000);
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });
  beforeEach(() => {
    SENDER = `+1415555${String(++senders).padStart(4, '0')}`;
  });

  it('STOP: the sender is listed before the flow sees the message, and the confirmation still goes out', async function () {
    const r = await rt.load(twilioFlow(fake.url), twilioCreds);
    const seen = rt.collector('seen');
    const out = rt.collector('out');
    const checked = new Promise((resolve) => {
      // What a node right after sms in (sms send) would find on the list.
      r.getNode('seen').on('input', () => listOf(TWILIO_KEY).then(resolve));
    });
    const answer = await postTwilio(r.url('/c/in'), twilioParams('Stop'));
    assert.equal(answer.status, 200);
    assert.match(answer.text, /<Message>You are unsubscribed<\/Message>/);
    assert.equal((await seen.next()).sms.optOut, 'stop');
    const atEmit = await checked;
    const listed = atEmit.find((e) => e.number === SENDER);
    assert.equal(listed.why, 'stop');
    assert.ok(!Number.isNaN(Date.parse(listed.since)));
    const replied = await out.next();
    assert.equal(replied.sms.reply.notSent, undefined);
  });

  it('listed: any other reply is not sent (notSent opted-out, empty TwiML); START takes them off and is answered', async function () {
    const r = await rt.load(twilioFlow(fake.url), twilioCreds);
    const out = rt.collector('out');
    await postTwilio(r.url('/c/in'), twilioParams('STOP'));
    await out.next();

    const hello = await postTwilio(r.url('/c/in'), twilioParams('hello again'));
    assert.equal(hello.status, 200);
    assert.doesNotMatch(hello.text, /<Message>/, 'nothing sent to a listed sender');
    assert.equal((await out.next()).sms.reply.notSent, 'opted-out');
    assert.equal(rt.lastStatus('reply').text, 'not sent: opted out');

    const help = await postTwilio(r.url('/c/in'), twilioParams('HELP'));
    assert.match(help.text, /<Message>You are unsubscribed<\/Message>/, 'HELP is answered');
    await out.next();

    const start = await postTwilio(r.url('/c/in'), twilioParams('START'));
    assert.match(start.text, /<Message>/);
    await out.next();
    assert.equal((await listOf(TWILIO_KEY)).some((e) => e.number === SENDER), false);
    const after = await postTwilio(r.url('/c/in'), twilioParams('hello'));
    assert.match(after.text, /<Message>Thanks for your message<\/Message>/);
    assert.equal(fake.requests.length, 0, 'all answered in TwiML');
  });

  it("Twilio's OptOutType STOP lists the sender even when the text is no keyword; OptOutType START removes them", async function () {
    const r = await rt.load(twilioFlow(fake.url), twilioCreds);
    const out = rt.collector('out');
    await postTwilio(r.url('/c/in'), twilioParams('please stop texting me', { OptOutType: 'STOP' }));
    await out.next();
    const entry = (await listOf(TWILIO_KEY)).find((e) => e.number === SENDER);
    assert.equal(entry.detail, 'please stop texting me');
    await postTwilio(r.url('/c/in'), twilioParams('ok go on', { OptOutType: 'START' }));
    await out.next();
    assert.equal((await listOf(TWILIO_KEY)).some((e) => e.number === SENDER), false);
  });

  it('a late reply refused with Twilio 21610 lists the recipient, and the error says so', async function () {
    const r = await rt.load(twilioFlow(fake.url, { wait: 400, replyTimeout: 0.2 }), twilioCreds);
    const caught = rt.collector('caught');
    fake.script('twilio', {
      status: 400,
      body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 },
    });
    await postTwilio(r.url('/c/in'), twilioParams('hello'));
    const failed = await caught.next(5000);
    assert.match(failed.error.message, /error 21610/);
    assert.ok(failed.error.message.endsWith(`${SENDER} is now on this account's opt-out list.`), failed.error.message);
    const entry = (await listOf(TWILIO_KEY)).find((e) => e.number === SENDER);
    assert.equal(entry.why, 'provider-refusal');
    assert.equal(entry.detail, 'Twilio error 21610');
    assert.equal(fake.requests.length, 1, 'one REST call, not resent');
  });

  it('another refusal lists nobody', async function () {
    const r = await rt.load(twilioFlow(fake.url, { wait: 400, replyTimeout: 0.2 }), twilioCreds);
    const caught = rt.collector('caught');
    fake.script('twilio', { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } });
    await postTwilio(r.url('/c/in'), twilioParams('hello'));
    await caught.next(5000);
    assert.equal((await listOf(TWILIO_KEY)).some((e) => e.number === SENDER), false);
  });

  it('Vonage SMS API: a STOP is listed under the API key; a reply refused with status 7 (number barred) lists the recipient', async function () {
    const SECRET = 'consent-vonage-secret';
    const flow = onTab([
      { id: 'acct', type: 'sms account', name: 'vonage', provider: 'vonage', apiHost: fake.url },
      { id: 'in', type: 'sms in', account: 'acct', provider: 'vonage-sms', path: '/c/vonage', wires: [['reply']] },
      { id: 'reply', type: 'sms reply', text: 'ok', media: '', wires: [['out']] },
      { id: 'out', type: 'helper' },
      { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const r = await rt.load(flow, { acct: { apiKey: 'abcd1234', apiSecret: 'secret', signatureSecret: SECRET } });
    const out = rt.collector('out');
    const caught = rt.collector('caught');
    const post = (msisdn, text) => {
      const params = signVonageSms(SECRET, {
        msisdn,
        to: '447700900000',
        messageId: crypto.randomBytes(8).toString('hex'),
        text,
        type: 'text',
        'message-timestamp': '2026-01-01 00:00:00',
        'api-key': 'abcd1234',
      });
      return rt.postForm(r.url('/c/vonage'), params);
    };
    assert.equal((await post('447700900001', 'STOP')).status, 200);
    await out.next();
    assert.deepEqual((await listOf('vonage:abcd1234')).map((e) => e.number), ['+447700900001']);

    fake.script('vonage-sms', { status: 200, body: { 'message-count': '1', messages: [{ to: '447700900002', status: '7', 'error-text': 'Number barred.' }] } });
    await post('447700900002', 'hi');
    const failed = await caught.next(5000);
    assert.match(failed.error.message, /status 7/);
    const entries = await listOf('vonage:abcd1234');
    assert.deepEqual(entries.map((e) => [e.number, e.why]).sort(), [['+447700900001', 'stop'], ['+447700900002', 'provider-refusal']]);
  });

  it('Vonage Messages API: a STOP is listed under the API key its signed token names, when the account holds only the signature secret; an unchecked token names no list', async function () {
    const SECRET = 'consent-vonage-messages-signer';
    const flow = onTab([
      { id: 'acct', type: 'sms account', name: 'vonage webhooks', provider: 'vonage', apiHost: fake.url },
      { id: 'in', type: 'sms in', account: 'acct', provider: 'vonage-messages', path: '/c/signed', wires: [['out']] },
      { id: 'plain', type: 'sms in', provider: 'vonage-messages', path: '/c/unsigned', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const r = await rt.load(flow, { acct: { signatureSecret: SECRET } });
    const out = rt.collector('out');
    const stopFrom = (from) => JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), to: '447700900000', from, text: 'STOP', timestamp: new Date().toISOString() });
    const signed = stopFrom('447700900004');
    assert.equal((await rt.postJson(r.url('/c/signed'), signed, { Authorization: `Bearer ${vonageMessagesJwt(SECRET, signed, { api_key: 'ijkl9012' })}` })).status, 200);
    assert.equal((await out.next()).sms.signedBy, 'ijkl9012');
    assert.deepEqual((await listOf('vonage:ijkl9012')).map((e) => e.number), ['+447700900004']);
    // No secret on this node: the token is not checked, so its claim is nobody's word.
    const unchecked = stopFrom('447700900005');
    assert.equal((await rt.postJson(r.url('/c/unsigned'), unchecked, { Authorization: `Bearer ${vonageMessagesJwt('any', unchecked, { api_key: 'ijkl9012' })}` })).status, 200);
    assert.equal((await out.next()).sms.signedBy, undefined);
    assert.deepEqual((await listOf('vonage:ijkl9012')).map((e) => e.number), ['+447700900004']);
  });

  it('Vonage Messages API: a reply refused with error 1050 (number barred) lists the recipient under the API key', async function () {
    const SECRET = 'consent-vonage-messages-secret';
    const flow = onTab([
      { id: 'acct', type: 'sms account', name: 'vonage', provider: 'vonage', apiHost: fake.url },
      { id: 'in', type: 'sms in', account: 'acct', provider: 'vonage-messages', path: '/c/messages', wires: [['reply']] },
      { id: 'reply', type: 'sms reply', text: 'ok', media: '', wires: [[]] },
      { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const r = await rt.load(flow, { acct: { apiKey: 'efgh5678', apiSecret: 'secret', signatureSecret: SECRET } });
    const caught = rt.collector('caught');
    // The Messages API's errors are RFC 7807: the code is the fragment of `type`.
    fake.script('vonage-messages', {
      status: 422,
      body: { type: 'https://developer.vonage.com/api-errors/messages#1050', title: 'Number barred', detail: 'The number you are trying to submit to is blacklisted and may not receive messages.' },
    });
    const raw = JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), to: '447700900000', from: '447700900003', text: 'hi', timestamp: new Date().toISOString() });
    assert.equal((await rt.postJson(r.url('/c/messages'), raw, { Authorization: `Bearer ${vonageMessagesJwt(SECRET, raw)}` })).status, 200);
    const failed = await caught.next(5000);
    assert.match(failed.error.message, /Number barred.*\+447700900003 is now on this account's opt-out list\.$/);
    const [entry] = await listOf('vonage:efgh5678');
    assert.deepEqual([entry.number, entry.why, entry.detail], ['+447700900003', 'provider-refusal', 'Vonage Messages API error 1050 (number barred)']);
  });
});
