'use strict';
// Signed webhooks of all three schemes over real HTTP (SPEC §4): a valid signature is
// emitted, a forged or missing one is answered 403 and nothing reaches the flow.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');
const twilio = require('twilio');
const rt = require('../../support/runtime');
const { vonageSmsSig } = require('../../support/sign');

const TOKEN = 'sg-twilio-auth-token';
const SECRET = 'sg-vonage-signature-secret';
const twilioSid = () => `SM${crypto.randomBytes(16).toString('hex')}`;
const vonageId = () => crypto.randomBytes(8).toString('hex').toUpperCase();

// --- Signing: the shared test signers (checked against the SPEC §4 vectors below), not the code under test ---

function signedVonageSms(method, overrides = {}, secret = SECRET) {
  const params = {
    msisdn: '447700900001',
    to: '447700900002',
    messageId: vonageId(),
    text: 'Tickets & prices = ?',
    type: 'text',
    'message-timestamp': '2024-05-01 10:11:12',
    timestamp: String(Math.floor(Date.now() / 1000)),
    nonce: crypto.randomUUID(),
    ...overrides,
  };
  return { ...params, sig: vonageSmsSig(secret, params, method) };
}

function messagesJwt(rawBody, secret = SECRET, claims = {}) {
  const payload_hash = crypto.createHash('sha256').update(rawBody).digest('hex');
  return jwt.sign({ iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), iss: 'Vonage', payload_hash, ...claims }, secret, {
    algorithm: 'HS256',
  });
}

function messagesBody() {
  return JSON.stringify({
    channel: 'sms',
    message_uuid: crypto.randomUUID(),
    to: '447700900002',
    from: '447700900001',
    timestamp: '2024-05-01T10:11:12Z',
    text: 'Signed hello',
    message_type: 'text',
  });
}

function twilioParams() {
  return {
    MessageSid: twilioSid(),
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: '+14155550100',
    To: '+14155550199',
    Body: 'Signed hello',
    NumMedia: '0',
  };
}

const flow = [
  { id: 'sg-tw-acct', type: 'sms account', provider: 'twilio', name: 'tw' },
  { id: 'sg-tw-pub', type: 'sms account', provider: 'twilio', name: 'tw public', publicUrl: 'https://public.example/' },
  { id: 'sg-vo-md5', type: 'sms account', provider: 'vonage', name: 'md5hash', signatureMethod: 'md5hash' },
  { id: 'sg-vo-sha', type: 'sms account', provider: 'vonage', name: 'sha256', signatureMethod: 'sha256' },
  { id: 'sg-tw', type: 'sms in', account: 'sg-tw-acct', provider: 'auto', path: '/sg/tw', wires: [['sg-out']] },
  { id: 'sg-pub', type: 'sms in', account: 'sg-tw-pub', provider: 'twilio', path: '/sg/pub', wires: [['sg-out']] },
  { id: 'sg-vs-md5', type: 'sms in', account: 'sg-vo-md5', provider: 'auto', path: '/sg/vs-md5', wires: [['sg-out']] },
  { id: 'sg-vs-sha', type: 'sms in', account: 'sg-vo-sha', provider: 'vonage-sms', path: '/sg/vs-sha', wires: [['sg-out']] },
  { id: 'sg-vm', type: 'sms in', account: 'sg-vo-md5', provider: 'auto', path: '/sg/vm', wires: [['sg-out']] },
  { id: 'sg-none', type: 'sms in', provider: 'auto', path: '/sg/none', wires: [['sg-out']] },
  { id: 'sg-out', type: 'helper' },
];
const creds = {
  'sg-tw-acct': { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: TOKEN },
  'sg-tw-pub': { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: TOKEN },
  'sg-vo-md5': { apiKey: 'k', apiSecret: 's', signatureSecret: SECRET },
  'sg-vo-sha': { apiKey: 'k', apiSecret: 's', signatureSecret: SECRET },
};

describe('sms in — signatures over HTTP', function () {
  let url;
  let out;
  before(async () => {
    ({ url } = await rt.load(flow, creds));
    out = rt.collector('sg-out');
  });
  after(async () => {
    await rt.unload();
    await rt.stopServer();
  });
  // A test that failed half-way must not leave messages for the next one.
  afterEach(() => out.clear());

  /** Nothing more reached the flow. */
  async function nothingEmitted() {
    assert.deepEqual(await out.idsAfterAMoment(), []);
  }

  async function rejected(res, pattern = /signature/) {
    assert.equal(res.status, 403, res.text);
    assert.match(res.headers.get('content-type'), /^text\/plain/);
    assert.match(res.text, pattern);
    await nothingEmitted();
  }

  it('the test signers match the SPEC vectors', function () {
    const params = {
      'message-timestamp': '2013-11-21 15:27:30',
      messageId: '020000001B0FE827',
      msisdn: '14843472194',
      text: 'Test again',
      timestamp: '1385047698',
      to: '13239877404',
      type: 'text',
    };
    assert.equal(vonageSmsSig('my_secret_key_for_testing', params, 'md5hash'), 'd2e7b1dc968737c5998ad624e02f90b7');
    assert.equal(vonageSmsSig('my_secret_key_for_testing', params, 'sha256').toUpperCase(), 'DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330');
  });

  describe('Twilio X-Twilio-Signature', function () {
    it('a request signed by the twilio SDK is emitted', async function () {
      const params = twilioParams();
      const target = url('/sg/tw');
      const res = await rt.postForm(target, params, { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(TOKEN, target, params) });
      assert.equal(res.status, 200);
      const msg = await out.next();
      assert.equal(msg.sms.messageId, params.MessageSid);
      assert.equal(msg.sms.account, 'sg-tw-acct');
    });

    it('a signed GET (fields in the signed URL) is emitted', async function () {
      const params = twilioParams();
      const target = `${url('/sg/tw')}?${new URLSearchParams(params)}`;
      const res = await rt.send(target, { method: 'GET', headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(TOKEN, target, {}) } });
      assert.equal(res.status, 200);
      assert.equal((await out.next()).sms.messageId, params.MessageSid);
    });

    it('signed text with +, spaces, & and non-ASCII, and a repeated parameter, verifies', async function () {
      const params = { ...twilioParams(), Body: 'Café + crème = 5€ & more 🙂', Tag: ['b', 'a'] };
      const target = url('/sg/tw');
      const body = Object.entries(params)
        .flatMap(([k, v]) => [].concat(v).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
        .join('&');
      const res = await rt.send(target, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(TOKEN, target, params) },
        body,
      });
      assert.equal(res.status, 200, res.text);
      const msg = await out.next();
      assert.equal(msg.payload, 'Café + crème = 5€ & more 🙂');
      assert.deepEqual(msg.sms.raw.Tag, ['b', 'a']);
    });

    it('a changed body, a wrong token or no signature → 403', async function () {
      const params = twilioParams();
      const target = url('/sg/tw');
      const good = twilio.getExpectedTwilioSignature(TOKEN, target, params);
      await rejected(await rt.postForm(target, { ...params, Body: 'tampered' }, { 'X-Twilio-Signature': good }));
      await rejected(await rt.postForm(target, params, { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature('other-token', target, params) }));
      await rejected(await rt.postForm(target, params), /missing X-Twilio-Signature/);
      assert.match(rt.lastStatus('sg-tw').text, /3 rejected/);
    });

    it('a Twilio account does not let an unsigned Vonage-shaped request through on auto', async function () {
      const vonage = signedVonageSms('md5hash');
      delete vonage.sig;
      const res = await rt.postForm(url('/sg/tw'), vonage);
      assert.ok(res.status === 400 || res.status === 403, `rejected, got ${res.status}`);
      assert.match(res.text, /Twilio/);
      const messages = await rt.postJson(url('/sg/tw'), messagesBody());
      assert.ok(messages.status === 400 || messages.status === 403, `rejected, got ${messages.status}`);
      await nothingEmitted();
    });
  });

  describe('proxies: the URL Twilio signed', function () {
    it('is rebuilt from X-Forwarded-Proto and X-Forwarded-Host', async function () {
      const params = twilioParams();
      const sig = twilio.getExpectedTwilioSignature(TOKEN, 'https://public.example/sg/tw', params);
      const res = await rt.postForm(url('/sg/tw'), params, {
        'X-Twilio-Signature': sig,
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'public.example',
      });
      assert.equal(res.status, 200, res.text);
      assert.equal((await out.next()).sms.messageId, params.MessageSid);
    });

    it('takes the first hop of a chain of proxies', async function () {
      const params = twilioParams();
      const sig = twilio.getExpectedTwilioSignature(TOKEN, 'https://public.example/sg/tw', params);
      const res = await rt.postForm(url('/sg/tw'), params, {
        'X-Twilio-Signature': sig,
        'X-Forwarded-Proto': 'https, http',
        'X-Forwarded-Host': 'public.example, internal.lan',
      });
      assert.equal(res.status, 200, res.text);
      await out.next();
    });

    it('is the account publicUrl + path when set, without any forwarded header', async function () {
      const params = twilioParams();
      const sig = twilio.getExpectedTwilioSignature(TOKEN, 'https://public.example/sg/pub', params);
      const res = await rt.postForm(url('/sg/pub'), params, { 'X-Twilio-Signature': sig });
      assert.equal(res.status, 200, res.text);
      assert.equal((await out.next()).sms.messageId, params.MessageSid);
    });

    it('publicUrl wins over forwarded headers a client made up', async function () {
      const params = twilioParams();
      const sig = twilio.getExpectedTwilioSignature(TOKEN, 'https://evil.example/sg/pub', params);
      await rejected(
        await rt.postForm(url('/sg/pub'), params, { 'X-Twilio-Signature': sig, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example' }),
      );
    });

    it('a signature for another host → 403', async function () {
      const params = twilioParams();
      const sig = twilio.getExpectedTwilioSignature(TOKEN, 'https://public.example/sg/tw', params);
      await rejected(
        await rt.postForm(url('/sg/tw'), params, { 'X-Twilio-Signature': sig, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'other.example' }),
      );
      await rejected(await rt.postForm(url('/sg/pub'), params, { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(TOKEN, 'https://wrong.example/sg/pub', params) }));
    });

    it('a signature for http when the provider called https → 403', async function () {
      const params = twilioParams();
      const sig = twilio.getExpectedTwilioSignature(TOKEN, 'http://public.example/sg/tw', params);
      await rejected(
        await rt.postForm(url('/sg/tw'), params, { 'X-Twilio-Signature': sig, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example' }),
      );
    });
  });

  describe('Vonage SMS API sig', function () {
    const cases = [
      { method: 'md5hash', path: '/sg/vs-md5' },
      { method: 'sha256', path: '/sg/vs-sha' },
    ];
    for (const { method, path } of cases) {
      it(`${method}: signed GET, form and JSON are emitted (values with & and = included)`, async function () {
        const get = signedVonageSms(method);
        const r1 = await rt.send(`${url(path)}?${new URLSearchParams(get)}`, { method: 'GET' });
        assert.equal(r1.status, 200, r1.text);
        assert.equal((await out.next()).sms.messageId, get.messageId);

        const form = signedVonageSms(method);
        const r2 = await rt.postForm(url(path), form);
        assert.equal(r2.status, 200, r2.text);
        assert.equal((await out.next()).sms.text, 'Tickets & prices = ?');

        const json = signedVonageSms(method);
        const r3 = await rt.postJson(url(path), json);
        assert.equal(r3.status, 200, r3.text);
        assert.equal((await out.next()).sms.messageId, json.messageId);
      });

      it(`${method}: an upper-case sig is accepted`, async function () {
        const params = signedVonageSms(method);
        const res = await rt.postForm(url(path), { ...params, sig: params.sig.toUpperCase() });
        assert.equal(res.status, 200, res.text);
        await out.next();
      });

      it(`${method}: a changed field, a wrong secret or no sig → 403`, async function () {
        const params = signedVonageSms(method);
        await rejected(await rt.postForm(url(path), { ...params, text: 'changed' }));
        await rejected(await rt.postForm(url(path), signedVonageSms(method, {}, 'wrong-secret')));
        const unsigned = { ...signedVonageSms(method) };
        delete unsigned.sig;
        await rejected(await rt.postForm(url(path), unsigned), /missing sig/);
      });
    }

    it('a sig made with another method than the account’s → 403', async function () {
      await rejected(await rt.postForm(url('/sg/vs-sha'), signedVonageSms('md5hash')));
      await rejected(await rt.postForm(url('/sg/vs-md5'), signedVonageSms('sha256')));
    });
  });

  describe('Vonage Messages API JWT', function () {
    it('a valid HS256 token with the payload_hash of the body is emitted', async function () {
      const body = messagesBody();
      const res = await rt.postJson(url('/sg/vm'), body, { Authorization: `Bearer ${messagesJwt(body)}` });
      assert.equal(res.status, 200, res.text);
      const msg = await out.next();
      assert.equal(msg.sms.provider, 'vonage-messages');
      assert.equal(msg.sms.messageId, JSON.parse(body).message_uuid);
    });

    it('a token signed with another secret → 403', async function () {
      const body = messagesBody();
      await rejected(await rt.postJson(url('/sg/vm'), body, { Authorization: `Bearer ${messagesJwt(body, 'not-the-secret')}` }));
    });

    it('a valid token with another body (payload_hash) → 403', async function () {
      const body = messagesBody();
      const other = messagesBody();
      await rejected(await rt.postJson(url('/sg/vm'), other, { Authorization: `Bearer ${messagesJwt(body)}` }), /payload_hash/);
    });

    it('the same JSON re-serialized (other bytes) → 403: the hash is of the raw body', async function () {
      const body = messagesBody();
      const spaced = JSON.stringify(JSON.parse(body), null, 2);
      await rejected(await rt.postJson(url('/sg/vm'), spaced, { Authorization: `Bearer ${messagesJwt(body)}` }), /payload_hash/);
    });

    it('no token, a token without payload_hash, an expired token or alg none → 403', async function () {
      const body = messagesBody();
      await rejected(await rt.postJson(url('/sg/vm'), body), /Authorization/);
      const noHash = jwt.sign({ iat: Math.floor(Date.now() / 1000) }, SECRET, { algorithm: 'HS256' });
      await rejected(await rt.postJson(url('/sg/vm'), body, { Authorization: `Bearer ${noHash}` }), /payload_hash/);
      const expired = messagesJwt(body, SECRET, { exp: Math.floor(Date.now() / 1000) - 60 });
      await rejected(await rt.postJson(url('/sg/vm'), body, { Authorization: `Bearer ${expired}` }), /expired/);
      const none = jwt.sign({ payload_hash: crypto.createHash('sha256').update(body).digest('hex') }, null, { algorithm: 'none' });
      await rejected(await rt.postJson(url('/sg/vm'), body, { Authorization: `Bearer ${none}` }));
    });
  });

  describe('no account', function () {
    it('accepts unsigned requests and shows "unverified" on the node', async function () {
      const params = twilioParams();
      const res = await rt.postForm(url('/sg/none'), params);
      assert.equal(res.status, 200);
      await out.next();
      const status = rt.lastStatus('sg-none');
      assert.match(status.text, /unverified/);
      assert.match(status.text, /\/sg\/none/);
      assert.match(status.text, /1 received/);
      // An account with the secret shows no such warning.
      assert.doesNotMatch(rt.lastStatus('sg-tw').text, /unverified/);
    });
  });
});
