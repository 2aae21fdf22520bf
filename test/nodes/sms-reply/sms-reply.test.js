'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');
const rt = require('../../support/runtime');
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('../../support/sign');

const TOKEN = 'twilio-token-for-tests';
const SID = 'AC00000000000000000000000000000001';
const SIG_SECRET = 'vonage-signature-secret';
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let n = 0;
const unique = (prefix) => `${prefix}${Date.now()}${++n}`;

/** Catch nodes only see errors of flow nodes (placed: x, y) on their own tab. */
function onTab(nodes) {
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...nodes.map((node) => (node.type === 'sms account' ? node : { z: 'tab', x: 0, y: 0, ...node }))];
}

/** `sms in` → [middle…] → `sms reply` → out, with a catch node collecting failures. */
function replyFlow({ account, provider = 'auto', replyNode = {}, middle = [], replyTimeout = 10, extra = [] }) {
  const firstHop = middle.length ? middle[0].id : 'reply';
  return onTab([
    { id: 'acct', type: 'sms account', name: 'main', ...account },
    { id: 'in', type: 'sms in', account: 'acct', provider, path: '/sms/in', replyTimeout, wires: [[firstHop]] },
    ...middle,
    { id: 'reply', type: 'sms reply', text: '', media: '', ...replyNode, wires: [['out', ...extra.slice(0, 1).map((e) => e.id)]] },
    ...extra,
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ]);
}

function twilioInbound(body = 'hello') {
  return { MessageSid: unique('SM'), AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: body, NumMedia: '0' };
}

async function postTwilio(url, params) {
  return rt.postForm(url, params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url, params) });
}

/** A function node that holds the message for `ms` before passing it on. */
const delay = (id, ms, next) => ({
  id,
  type: 'function',
  func: `setTimeout(() => node.send(msg), ${ms}); return null;`,
  outputs: 1,
  wires: [[next]],
});

describe('sms reply', function () {
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });
  before(() => {
    // Short waits between retries keep the suite fast; the policy is the same.
    rt.helper.settings({ smsRetry: { baseMs: 20 } });
  });

  describe('Twilio', function () {
    const account = { provider: 'twilio' };
    const creds = { acct: { accountSid: SID, authToken: TOKEN } };

    it('answers with TwiML built from the template, keeping <, &, emoji and 1600 characters intact', async function () {
      const long = 'x'.repeat(1500);
      const { url } = await rt.load(
        replyFlow({ account, replyNode: { text: 'Hi {{sms.from}} <b> & 😀 {{payload}}' } }),
        creds,
      );
      const res = await postTwilio(url('/sms/in'), twilioInbound(long));
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /text\/xml/);
      const body = res.text.match(/<Message>([\s\S]*)<\/Message>/)[1];
      const decoded = body.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      assert.equal(decoded, `Hi +14155550100 <b> & 😀 ${long}`);
      assert.ok(!/<b>/.test(res.text), 'markup is escaped inside the XML');
    });

    it('takes msg.payload when Text is empty, adds <Media>, and reports the reply', async function () {
      const { url } = await rt.load(
        replyFlow({
          account,
          middle: [{ id: 'set', type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'We open at 9', tot: 'str' }, { t: 'set', p: 'media', pt: 'msg', to: '["https://example.com/a.png","https://example.com/b.png"]', tot: 'json' }], wires: [['reply']] }],
        }),
        creds,
      );
      const out = rt.collector('out');
      const res = await postTwilio(url('/sms/in'), twilioInbound('HOURS'));
      assert.match(res.text, /<Body>We open at 9<\/Body><Media>https:\/\/example.com\/a.png<\/Media><Media>https:\/\/example.com\/b.png<\/Media>/);
      const msg = await out.next();
      assert.deepEqual(msg.sms.reply, { provider: 'twilio', to: '+14155550100', from: '+14155550199', text: 'We open at 9' });
    });

    it('answers an empty <Response/> when the text is empty', async function () {
      const { url } = await rt.load(replyFlow({ account, middle: [{ id: 'set', type: 'change', rules: [{ t: 'delete', p: 'payload', pt: 'msg' }], wires: [['reply']] }] }), creds);
      const res = await postTwilio(url('/sms/in'), twilioInbound('hi'));
      assert.equal(res.status, 200);
      assert.match(res.text, /<Response\/>/);
      assert.equal(fake.requests.length, 0);
    });

    it('answers with TwiML with no account anywhere', async function () {
      const flow = replyFlow({ account, replyNode: { text: 'No account needed' } });
      flow.find((node) => node.id === 'in').account = '';
      const { url } = await rt.load(flow);
      const res = await rt.postForm(url('/sms/in'), twilioInbound('hi'));
      assert.match(res.text, /<Message>No account needed<\/Message>/);
    });

    it('sends a second reply to the same message through the REST API', async function () {
      const { url } = await rt.load(
        replyFlow({
          account: { ...account, apiHost: fake.url },
          replyNode: { text: 'first' },
          extra: [{ id: 'reply2', type: 'sms reply', text: 'second', wires: [['out2']] }, { id: 'out2', type: 'helper' }],
        }),
        creds,
      );
      const second = rt.collector('out2');
      const res = await postTwilio(url('/sms/in'), twilioInbound('hi'));
      assert.match(res.text, /<Message>first<\/Message>/);
      const msg = await second.next(3000);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].body.Body, 'second');
      assert.match(msg.sms.reply.messageId, /^SM/);
    });

    it('sends a late reply through the REST API to the number that wrote in', async function () {
      const { url } = await rt.load(
        replyFlow({ account: { ...account, apiHost: fake.url }, replyTimeout: 0.3, middle: [delay('wait', 600, 'reply')], replyNode: { text: 'Sorry for the wait' } }),
        creds,
      );
      const out = rt.collector('out');
      const res = await postTwilio(url('/sms/in'), twilioInbound('hello'));
      assert.match(res.text, /<Response\/>/, 'Twilio got the empty answer when the window closed');
      const msg = await out.next(3000);
      assert.equal(fake.requests.length, 1);
      const sent = fake.requests[0];
      assert.equal(sent.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
      assert.deepEqual([sent.body.From, sent.body.To, sent.body.Body], ['+14155550199', '+14155550100', 'Sorry for the wait']);
      assert.equal(sent.headers.authorization, `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
      assert.match(msg.sms.reply.messageId, /^SM/);
    });

    it('fails a late reply with a sentence saying how to fix it when the account cannot use the REST API', async function () {
      const { url } = await rt.load(
        replyFlow({ account, replyTimeout: 0.3, middle: [delay('wait', 600, 'reply')], replyNode: { text: 'late' } }),
        { acct: { authToken: TOKEN } },
      );
      const caught = rt.collector('caught');
      await postTwilio(url('/sms/in'), twilioInbound('hello'));
      const err = await caught.next(3000);
      assert.match(err.error.message, /after Twilio's webhook was answered/);
      assert.match(err.error.message, /add the Account SID and Auth Token to the sms account \(Twilio console home page/);
    });

    it('does not resend after a 500 (the outcome is unknown) and reports a 400 at once with what Twilio said', async function () {
      const { url } = await rt.load(
        replyFlow({ account: { ...account, apiHost: fake.url }, replyTimeout: 0.3, middle: [delay('wait', 500, 'reply')], replyNode: { text: 'again' } }),
        creds,
      );
      const caught = rt.collector('caught');
      fake.script('twilio', { status: 500, body: { message: 'oops' } });
      await postTwilio(url('/sms/in'), twilioInbound('one'));
      const unknown = await caught.next(4000);
      assert.equal(fake.requests.length, 1, 'Twilio may have sent it: not sent again');
      assert.match(unknown.error.message, /Twilio answered HTTP 500 for account "main" .*the outcome is unknown/);

      fake.reset();
      fake.script('twilio', { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } });
      await postTwilio(url('/sms/in'), twilioInbound('two'));
      const err = await caught.next(4000);
      assert.equal(fake.requests.length, 1, 'a 400 is not retried');
      assert.match(err.error.message, /Twilio refused the reply for account "main" \(HTTP 400, error 21211/);
    });
  });

  describe('Vonage Messages API', function () {
    const account = { provider: 'vonage' };
    const jwtCreds = { acct: { signatureSecret: SIG_SECRET, applicationId: 'app-123', privateKey } };

    function inbound(text = 'hello') {
      return { channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), to: '447700900000', from: '447700900001', text, timestamp: new Date().toISOString() };
    }
    async function postSigned(url, body) {
      const raw = JSON.stringify(body);
      return rt.postJson(url, raw, { Authorization: `Bearer ${vonageMessagesJwt(SIG_SECRET, raw)}` });
    }

    it('sends the reply with a JWT from the application key, numbers without +', async function () {
      const { url } = await rt.load(replyFlow({ account: { ...account, apiHost: fake.url }, replyNode: { text: 'Thanks {{sms.from}}' } }), jwtCreds);
      const out = rt.collector('out');
      const res = await postSigned(url('/sms/in'), inbound());
      assert.equal(res.status, 200);
      const msg = await out.next(4000);
      assert.equal(fake.requests.length, 1);
      const sent = fake.requests[0];
      assert.equal(sent.path, '/v1/messages');
      assert.deepEqual(
        { channel: sent.body.channel, message_type: sent.body.message_type, to: sent.body.to, from: sent.body.from, text: sent.body.text },
        { channel: 'sms', message_type: 'text', to: '447700900001', from: '447700900000', text: 'Thanks +447700900001' },
      );
      const token = sent.headers.authorization.replace(/^Bearer /, '');
      const claims = jwt.verify(token, publicKey, { algorithms: ['RS256'] });
      assert.equal(claims.application_id, 'app-123');
      assert.match(msg.sms.reply.messageId, /^[0-9a-f-]{36}$/);
      assert.equal(msg.sms.reply.provider, 'vonage-messages');
    });

    it('falls back to API key and secret, and sends media as MMS', async function () {
      const { url } = await rt.load(
        replyFlow({ account: { ...account, apiHost: fake.url }, replyNode: { text: 'Here it is', media: 'https://example.com/menu.png' } }),
        { acct: { signatureSecret: SIG_SECRET, apiKey: 'key1', apiSecret: 'secret1' } },
      );
      const out = rt.collector('out');
      await postSigned(url('/sms/in'), inbound('MENU'));
      await out.next(4000);
      const sent = fake.requests[0];
      assert.equal(sent.headers.authorization, `Basic ${Buffer.from('key1:secret1').toString('base64')}`);
      assert.deepEqual([sent.body.channel, sent.body.message_type, sent.body.image], ['mms', 'image', { url: 'https://example.com/menu.png', caption: 'Here it is' }]);
    });

    it('retries a 429, not a 5xx or a 4xx, and explains a refusal', async function () {
      const { url } = await rt.load(replyFlow({ account: { ...account, apiHost: fake.url }, replyNode: { text: 'ok' } }), jwtCreds);
      const out = rt.collector('out');
      const caught = rt.collector('caught');
      fake.script('vonage-messages', { status: 429, body: { title: 'Too Many Requests' } });
      await postSigned(url('/sms/in'), inbound('a'));
      await out.next(4000);
      assert.equal(fake.requests.length, 2, 'a 429 is sent again');

      fake.reset();
      fake.script('vonage-messages', { status: 500, body: { title: 'Internal Error' } });
      await postSigned(url('/sms/in'), inbound('c'));
      const unknown = await caught.next(4000);
      assert.equal(fake.requests.length, 1, 'after a 500 Vonage may have sent it: not sent again');
      assert.match(unknown.error.message, /Vonage Messages API answered HTTP 500 Internal Error for account "main": the outcome is unknown/);

      fake.reset();
      fake.script('vonage-messages', { status: 401, body: { title: 'Unauthorized', detail: 'You did not provide correct credentials.' } });
      await postSigned(url('/sms/in'), inbound('b'));
      const err = await caught.next(4000);
      assert.equal(fake.requests.length, 1);
      assert.match(err.error.message, /Vonage Messages API refused the reply for account "main" \(HTTP 401 Unauthorized: You did not provide correct credentials\.\)/);
      assert.match(err.error.message, /Check the Application ID and private key/);
    });

    it('fails clearly when no account can send', async function () {
      const flow = replyFlow({ account, replyNode: { text: 'x' } });
      flow.find((node) => node.id === 'in').account = '';
      const { url } = await rt.load(flow);
      const caught = rt.collector('caught');
      await rt.postJson(url('/sms/in'), inbound('hi'));
      const err = await caught.next();
      assert.match(err.error.message, /no sms account to reply with/);
    });

    it('fails with a sentence when a flow rewrote msg.sms.provider to one it does not know, and sends nothing', async function () {
      const rewrite = { id: 'rewrite', type: 'function', func: "msg.sms.provider = 'carrier-pigeon'; return msg;", outputs: 1, wires: [['reply']] };
      const { url } = await rt.load(replyFlow({ account: { ...account, apiHost: fake.url }, replyNode: { text: 'x' }, middle: [rewrite] }), jwtCreds);
      const caught = rt.collector('caught');
      await postSigned(url('/sms/in'), inbound('hi'));
      const err = await caught.next();
      assert.match(err.error.message, /msg\.sms\.provider is "carrier-pigeon": sms reply answers through twilio, vonage-sms, vonage-messages$/);
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('Vonage SMS API', function () {
    const account = { provider: 'vonage', signatureMethod: 'sha256' };
    const creds = { acct: { signatureSecret: SIG_SECRET, apiKey: 'key2', apiSecret: 'secret2' } };

    function inbound(text) {
      return signVonageSms(
        SIG_SECRET,
        { msisdn: '447700900001', to: '447700900000', messageId: unique('1A'), text, type: 'text', 'message-timestamp': '2026-11-22 09:00:00' },
        'sha256',
      );
    }

    it('sends through /sms/json with key and secret, unicode for emoji', async function () {
      const { url } = await rt.load(replyFlow({ account: { ...account, apiHost: fake.url }, replyNode: { text: 'Got it 👍' } }), creds);
      const out = rt.collector('out');
      const res = await rt.send(`${url('/sms/in')}?${new URLSearchParams(inbound('hi'))}`, { method: 'GET' });
      assert.equal(res.status, 200);
      const msg = await out.next(4000);
      const sent = fake.requests[0];
      assert.equal(sent.path, '/sms/json');
      assert.deepEqual([sent.body.to, sent.body.from, sent.body.text, sent.body.type], ['447700900001', '447700900000', 'Got it 👍', 'unicode']);
      assert.equal(sent.headers.authorization, `Basic ${Buffer.from('key2:secret2').toString('base64')}`);
      assert.match(msg.sms.reply.messageId, /^1A/);
    });

    it('sends plain GSM text as text and reports a refused send in words', async function () {
      const { url } = await rt.load(replyFlow({ account: { ...account, apiHost: fake.url }, replyNode: { text: 'Open 9-5 £1' } }), creds);
      const out = rt.collector('out');
      const caught = rt.collector('caught');
      await rt.postForm(url('/sms/in'), inbound('HOURS'));
      await out.next(4000);
      assert.equal(fake.requests[0].body.type, undefined);

      fake.script('vonage-sms', { status: 200, body: { 'message-count': '1', messages: [{ status: '2', 'error-text': 'Missing to param' }] } });
      await rt.postForm(url('/sms/in'), inbound('again'));
      const err = await caught.next(4000);
      assert.match(err.error.message, /Vonage SMS API refused the reply for account "main" \(status 2: Missing to param\)/);
    });
  });
});
