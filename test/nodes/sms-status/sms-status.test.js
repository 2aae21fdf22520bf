'use strict';
// sms status over real HTTP, with receipts posted exactly as each provider posts them.
const assert = require('node:assert/strict');
const { createHash, createHmac, randomUUID } = require('node:crypto');
const jwt = require('jsonwebtoken');
const twilio = require('twilio');
const rt = require('../../support/runtime');

const TWILIO_TOKEN = 'status-test-auth-token';
const TWILIO_ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const VONAGE_SECRET = 'status-test-signature-secret-0123456789';

// Nodes remember ids across reloads of the same node id: every test uses fresh ones.
let n = 0;
const twilioSid = () => `SM${String(++n).padStart(6, '0')}${randomUUID().replace(/-/g, '').slice(0, 26)}`;
const vonageId = () => `0B00000${String(++n).padStart(9, '0')}`.toUpperCase();

// --- Twilio -------------------------------------------------------------------------------

/** A status callback as Twilio posts it (ErrorCode and RawDlrDoneDate only when Twilio has them). */
function twilioReceipt(sid, status, extra = {}) {
  return {
    SmsSid: sid,
    SmsStatus: status,
    MessageStatus: status,
    To: '+14155550199',
    MessageSid: sid,
    AccountSid: TWILIO_ACCOUNT,
    From: '+14155550100',
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

function postTwilio(url, params, { signWith = TWILIO_TOKEN, signedParams = params } = {}) {
  const signature = twilio.getExpectedTwilioSignature(signWith, url, signedParams);
  return rt.postForm(url, params, { 'X-Twilio-Signature': signature });
}

// --- Vonage SMS API -------------------------------------------------------------------------

/** A delivery receipt as the Vonage SMS API sends it (all values strings). */
function dlr(messageId, status, extra = {}) {
  return {
    msisdn: '447700900000',
    to: 'AcmeInc',
    'network-code': '23410',
    messageId,
    price: '0.03330000',
    status,
    scts: '2501151432',
    'err-code': '0',
    'api-key': 'abcd1234',
    'message-timestamp': '2025-01-15 14:32:10',
    ...extra,
  };
}

/** SPEC §4: sorted `&k=v` with `&`/`=` in values replaced by `_`, then HMAC (or MD5 of string+secret). */
function vonageSig(params, secret, method) {
  const base = Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${String(params[k]).replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash') return createHash('md5').update(base + secret).digest('hex');
  return createHmac(method, secret).update(base).digest('hex');
}

function signDlr(params, { secret = VONAGE_SECRET, method = 'sha256' } = {}) {
  const withNonce = { ...params, timestamp: String(Math.floor(Date.now() / 1000)), nonce: randomUUID() };
  return { ...withNonce, sig: vonageSig(withNonce, secret, method) };
}

function getQuery(url, params) {
  return rt.send(`${url}?${new URLSearchParams(params)}`, { method: 'GET' });
}

// --- Vonage Messages API --------------------------------------------------------------------

/** A status webhook as the Messages API v1 sends it. */
function messagesStatus(uuid, status, extra = {}) {
  return {
    message_uuid: uuid,
    to: '447700900000',
    from: '447700900001',
    timestamp: '2025-01-15T14:32:10.123Z',
    status,
    channel: 'sms',
    destination: { network_code: '23410' },
    usage: { currency: 'EUR', price: '0.0333' },
    sms: { count_total: '2' },
    client_ref: 'order-42',
    ...extra,
  };
}

/** The Bearer token Vonage sends: HS256 over the claims, payload_hash = hex SHA-256 of the body. */
function vonageToken(raw, secret = VONAGE_SECRET) {
  const payload_hash = createHash('sha256').update(raw).digest('hex');
  return jwt.sign(
    { jti: randomUUID(), iss: 'Vonage', api_key: 'abcd1234', application_id: randomUUID(), payload_hash },
    secret,
    { algorithm: 'HS256' },
  );
}

function postMessages(url, body, { secret = VONAGE_SECRET, signedRaw } = {}) {
  const raw = JSON.stringify(body);
  return rt.postJson(url, raw, { Authorization: `Bearer ${vonageToken(signedRaw ?? raw, secret)}` });
}

// --- Flows ----------------------------------------------------------------------------------

function flow({ provider = 'auto', account, path = '/sms/st', finalOnly = false } = {}) {
  const nodes = [
    { id: 'st', type: 'sms status', provider, path, finalOnly, wires: [['out']], ...(account ? { account: 'acct' } : {}) },
    { id: 'out', type: 'helper' },
  ];
  if (account === 'twilio') nodes.push({ id: 'acct', type: 'sms account', provider: 'twilio', publicUrl: '' });
  if (account === 'vonage') nodes.push({ id: 'acct', type: 'sms account', provider: 'vonage', signatureMethod: 'sha256' });
  return nodes;
}
const CREDS = {
  twilio: { acct: { accountSid: TWILIO_ACCOUNT, authToken: TWILIO_TOKEN } },
  vonage: { acct: { signatureSecret: VONAGE_SECRET } },
};

async function load(options = {}) {
  const { url } = await rt.load(flow(options), options.account ? CREDS[options.account] : {});
  const statuses = [];
  const node = rt.helper.getNode('st');
  const original = node.status.bind(node);
  node.status = (s) => {
    statuses.push(s);
    return original(s);
  };
  return { target: url(options.path || '/sms/st'), out: rt.collector('out'), statuses, node };
}

/** Lets any message still in flight arrive before asserting that none did. */
async function assertNothingEmitted(out) {
  await rt.sleep(150);
  assert.deepEqual(
    out.messages.map((m) => `${m.topic} ${m.payload}`),
    [],
    'no message should have been emitted',
  );
}

describe('sms status', function () {
  after(() => rt.stopServer());
  afterEach(() => rt.unload());

  describe('Twilio status callbacks', function () {
    it('emits a signed undelivered callback with its error explained, and answers Twilio with empty TwiML', async function () {
      const { target, out } = await load({ account: 'twilio' });
      const sid = twilioSid();
      const res = await postTwilio(target, twilioReceipt(sid, 'undelivered', { ErrorCode: '30003', RawDlrDoneDate: '2501151432' }));
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /text\/xml/);
      assert.match(res.text, /<Response\/>/);

      const msg = await out.next();
      assert.equal(msg.payload, 'undelivered');
      assert.equal(msg.topic, sid);
      const s = msg.status;
      assert.equal(s.provider, 'twilio');
      assert.equal(s.messageId, sid);
      assert.equal(s.state, 'undelivered');
      assert.equal(s.final, true);
      assert.equal(s.providerStatus, 'undelivered');
      assert.equal(s.errorCode, '30003');
      assert.match(s.errorMessage, /unreachable/);
      // The time it arrived: RawDlrDoneDate (carrier-local, no zone) stays in raw.
      assert.ok(Math.abs(Date.parse(s.timestamp) - Date.now()) < 10000, s.timestamp);
      assert.equal(s.raw.RawDlrDoneDate, '2501151432');
      assert.equal(s.to, '+14155550199');
      assert.equal(s.from, '+14155550100');
      assert.equal(s.account, 'acct');
      assert.equal(s.raw.MessageStatus, 'undelivered');
      assert.ok(msg.req && msg.req.headers, 'msg.req is the request');
      assert.ok(msg.res && msg.res._res && msg.res._res.headersSent, 'msg.res is the response, already answered');
    });

    it('maps each Twilio status through the state table, with final only on end states', async function () {
      const { target, out } = await load({ account: 'twilio' });
      const cases = [
        ['accepted', 'accepted', false],
        ['scheduled', 'queued', false],
        ['sending', 'sending', false],
        ['sent', 'sent', false],
        ['delivered', 'delivered', true],
        ['canceled', 'failed', true],
        ['partially_delivered', 'undelivered', true],
        ['read', 'read', true],
        ['something_new', 'unknown', false],
      ];
      for (const [twilioStatus, state, final] of cases) {
        const sid = twilioSid();
        assert.equal((await postTwilio(target, twilioReceipt(sid, twilioStatus))).status, 200);
        const msg = await out.next();
        assert.deepEqual([msg.topic, msg.payload, msg.status.final, msg.status.providerStatus], [sid, state, final, twilioStatus]);
        assert.equal(msg.status.errorCode, undefined, 'no ErrorCode, no errorCode');
      }
    });

    it('refuses a forged or unsigned callback with 403 and emits nothing', async function () {
      const { target, out } = await load({ account: 'twilio' });
      const sid = twilioSid();
      const real = twilioReceipt(sid, 'failed', { ErrorCode: '30007' });
      // Someone flips a failure into a delivery but keeps Twilio's signature.
      const forged = await postTwilio(target, { ...real, MessageStatus: 'delivered', SmsStatus: 'delivered' }, { signedParams: real });
      assert.equal(forged.status, 403);
      assert.match(forged.text, /signature/);
      const wrongToken = await postTwilio(target, real, { signWith: 'not-the-token' });
      assert.equal(wrongToken.status, 403);
      const unsigned = await rt.postForm(target, real);
      assert.equal(unsigned.status, 403);
      assert.match(unsigned.text, /X-Twilio-Signature/);
      await assertNothingEmitted(out);
      // The genuine one still gets through afterwards.
      assert.equal((await postTwilio(target, real)).status, 200);
      assert.equal((await out.next()).payload, 'failed');
    });
  });

  describe('Vonage SMS API delivery receipts', function () {
    it('accepts a signed receipt as a GET query', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const id = vonageId();
      const res = await getQuery(target, signDlr(dlr(id, 'delivered', { 'client-ref': 'order-7' })));
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
      const msg = await out.next();
      assert.equal(msg.payload, 'delivered');
      assert.equal(msg.topic, id);
      const s = msg.status;
      assert.equal(s.provider, 'vonage-sms');
      assert.equal(s.final, true);
      assert.equal(s.providerStatus, 'delivered');
      assert.equal(s.errorCode, undefined, 'err-code 0 is not an error');
      assert.equal(s.to, '+447700900000', 'msisdn is the recipient');
      assert.equal(s.from, 'AcmeInc');
      assert.equal(s.price, 0.0333);
      assert.equal(s.clientRef, 'order-7');
      assert.equal(s.timestamp, '2025-01-15T14:32:00.000Z');
      assert.equal(s.account, 'acct');
    });

    it('accepts a signed receipt as a POST form, with the error code explained', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const id = vonageId();
      const res = await rt.postForm(target, signDlr(dlr(id, 'expired', { 'err-code': '2', price: '0' })));
      assert.equal(res.status, 200);
      const msg = await out.next();
      assert.equal(msg.payload, 'undelivered');
      assert.equal(msg.status.providerStatus, 'expired');
      assert.equal(msg.status.final, true);
      assert.equal(msg.status.errorCode, '2');
      assert.equal(msg.status.errorMessage, 'Absent subscriber (temporary)');
    });

    it('accepts a signed receipt as POST JSON', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const id = vonageId();
      const res = await rt.postJson(target, signDlr(dlr(id, 'rejected', { 'err-code': '6' })));
      assert.equal(res.status, 200);
      const msg = await out.next();
      assert.equal(msg.payload, 'failed');
      assert.equal(msg.status.providerStatus, 'rejected');
      assert.equal(msg.status.errorMessage, 'Anti-spam rejection');
    });

    it('maps accepted and buffered to states that are not final', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const id = vonageId();
      await rt.postForm(target, signDlr(dlr(id, 'accepted')));
      await rt.postForm(target, signDlr(dlr(id, 'buffered')));
      const first = await out.next();
      const second = await out.next();
      assert.deepEqual([first.payload, first.status.final], ['accepted', false]);
      assert.deepEqual([second.payload, second.status.final], ['sending', false]);
    });

    it('refuses a forged, wrongly keyed or unsigned receipt with 403 and emits nothing', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const id = vonageId();
      const signed = signDlr(dlr(id, 'failed', { 'err-code': '9' }));
      const tampered = await getQuery(target, { ...signed, status: 'delivered', 'err-code': '0' });
      assert.equal(tampered.status, 403);
      assert.match(tampered.text, /signature/);
      const otherSecret = await rt.postJson(target, signDlr(dlr(id, 'delivered'), { secret: 'someone-else' }));
      assert.equal(otherSecret.status, 403);
      const unsigned = await rt.postForm(target, dlr(id, 'delivered'));
      assert.equal(unsigned.status, 403);
      assert.match(unsigned.text, /missing sig/);
      await assertNothingEmitted(out);
    });
  });

  describe('Vonage Messages API status webhooks', function () {
    it('emits a signed status with error, usage, segment count and client_ref', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const uuid = randomUUID();
      const body = messagesStatus(uuid, 'rejected', {
        error: {
          type: 'https://developer.vonage.com/api-errors/messages-olympus#1320',
          title: 1320,
          detail: 'The sender is not allowed to send to this destination',
          instance: randomUUID(),
        },
      });
      const res = await postMessages(target, body);
      assert.equal(res.status, 200);
      const msg = await out.next();
      assert.equal(msg.payload, 'failed');
      assert.equal(msg.topic, uuid);
      const s = msg.status;
      assert.equal(s.provider, 'vonage-messages');
      assert.equal(s.final, true);
      assert.equal(s.providerStatus, 'rejected');
      assert.equal(s.errorCode, '1320');
      assert.equal(s.errorMessage, 'The sender is not allowed to send to this destination');
      assert.equal(s.price, 0.0333);
      assert.equal(s.currency, 'EUR');
      assert.equal(s.segments, 2);
      assert.equal(s.clientRef, 'order-42');
      assert.equal(s.to, '+447700900000');
      assert.equal(s.timestamp, '2025-01-15T14:32:10.123Z');
      assert.deepEqual(s.raw, body);
    });

    it('maps submitted, delivered, undeliverable and read', async function () {
      const { target, out } = await load({ account: 'vonage' });
      for (const [status, state, final] of [
        ['submitted', 'sent', false],
        ['delivered', 'delivered', true],
        ['undeliverable', 'undelivered', true],
        ['read', 'read', true],
      ]) {
        const uuid = randomUUID();
        assert.equal((await postMessages(target, messagesStatus(uuid, status))).status, 200);
        const msg = await out.next();
        assert.deepEqual([msg.topic, msg.payload, msg.status.final], [uuid, state, final]);
      }
    });

    it('refuses a token from another secret, a body changed after signing, or no token, with 403', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const uuid = randomUUID();
      const genuine = messagesStatus(uuid, 'undeliverable');
      const wrongSecret = await postMessages(target, genuine, { secret: 'someone-else' });
      assert.equal(wrongSecret.status, 403);
      assert.match(wrongSecret.text, /signature/);
      const changed = await postMessages(target, { ...genuine, status: 'delivered' }, { signedRaw: JSON.stringify(genuine) });
      assert.equal(changed.status, 403);
      assert.match(changed.text, /payload_hash/);
      const none = await rt.postJson(target, genuine);
      assert.equal(none.status, 403);
      assert.match(none.text, /Bearer/);
      await assertNothingEmitted(out);
    });
  });

  describe('retries and ordering', function () {
    it('drops a retried receipt but emits a later state of the same message', async function () {
      const { target, out } = await load({ account: 'twilio' });
      const sid = twilioSid();
      const sent = twilioReceipt(sid, 'sent');
      assert.equal((await postTwilio(target, sent)).status, 200);
      assert.equal((await out.next()).payload, 'sent');
      // Twilio retries: still answered 200, not emitted again.
      const retry = await postTwilio(target, sent);
      assert.equal(retry.status, 200);
      assert.match(retry.text, /<Response\/>/);
      await assertNothingEmitted(out);
      assert.equal((await postTwilio(target, twilioReceipt(sid, 'delivered', { RawDlrDoneDate: '2501151433' }))).status, 200);
      const later = await out.next();
      assert.deepEqual([later.topic, later.payload, later.status.final], [sid, 'delivered', true]);
    });

    it('drops a retried Vonage receipt (same id, same state) even with a fresh signature', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const id = vonageId();
      assert.equal((await rt.postForm(target, signDlr(dlr(id, 'delivered')))).status, 200);
      assert.equal((await out.next()).payload, 'delivered');
      assert.equal((await rt.postForm(target, signDlr(dlr(id, 'delivered')))).status, 200);
      const uuid = randomUUID();
      const body = messagesStatus(uuid, 'delivered');
      assert.equal((await postMessages(target, body)).status, 200);
      assert.equal((await postMessages(target, body)).status, 200);
      assert.equal((await out.next()).topic, uuid);
      await assertNothingEmitted(out);
    });

    it('still recognizes a retry after the flow is redeployed', async function () {
      let { target, out } = await load({ account: 'twilio' });
      const sid = twilioSid();
      await postTwilio(target, twilioReceipt(sid, 'delivered'));
      assert.equal((await out.next()).payload, 'delivered');
      await rt.unload();
      ({ target, out } = await load({ account: 'twilio' }));
      assert.equal((await postTwilio(target, twilioReceipt(sid, 'delivered'))).status, 200);
      await assertNothingEmitted(out);
    });

    it('emits receipts that arrive out of order, each with its own final flag', async function () {
      const { target, out } = await load({ account: 'twilio' });
      const sid = twilioSid();
      await postTwilio(target, twilioReceipt(sid, 'delivered'));
      await postTwilio(target, twilioReceipt(sid, 'sent'));
      const first = await out.next();
      const second = await out.next();
      assert.deepEqual([first.payload, first.status.final], ['delivered', true]);
      assert.deepEqual([second.payload, second.status.final], ['sent', false]);
      assert.equal(second.topic, sid);
    });
  });

  describe('finalOnly', function () {
    it('emits only final states, while still acknowledging the others', async function () {
      const { target, out } = await load({ account: 'twilio', finalOnly: true });
      const a = twilioSid();
      const b = twilioSid();
      for (const [sid, status] of [[a, 'queued'], [a, 'sent'], [a, 'delivered'], [b, 'sending'], [b, 'failed']]) {
        const res = await postTwilio(target, twilioReceipt(sid, status));
        assert.equal(res.status, 200, `${status} is acknowledged`);
      }
      const first = await out.next();
      const second = await out.next();
      assert.deepEqual([first.topic, first.payload], [a, 'delivered']);
      assert.deepEqual([second.topic, second.payload], [b, 'failed']);
      await assertNothingEmitted(out);
    });
  });

  describe('provider: auto', function () {
    it('tells Twilio, Vonage SMS API and Vonage Messages API receipts apart on one endpoint', async function () {
      const { target, out, statuses } = await load();
      const sid = twilioSid();
      const id = vonageId();
      const uuid = randomUUID();
      assert.equal((await rt.postForm(target, twilioReceipt(sid, 'sent'))).status, 200);
      assert.equal((await getQuery(target, dlr(id, 'buffered'))).status, 200);
      assert.equal((await rt.postJson(target, messagesStatus(uuid, 'read'))).status, 200);
      const got = [await out.next(), await out.next(), await out.next()].map((m) => [m.status.provider, m.topic, m.payload]);
      assert.deepEqual(got, [
        ['twilio', sid, 'sent'],
        ['vonage-sms', id, 'sending'],
        ['vonage-messages', uuid, 'read'],
      ]);
      // No account, so nothing could be verified: the node says so.
      const last = statuses[statuses.length - 1];
      assert.equal(last.fill, 'yellow');
      assert.match(last.text, /unverified/);
    });

    it('with a Vonage account, refuses a Twilio callback rather than accept it unsigned', async function () {
      const { target, out } = await load({ account: 'vonage' });
      const res = await rt.postForm(target, twilioReceipt(twilioSid(), 'delivered'));
      assert.equal(res.status, 400);
      assert.match(res.text, /Vonage SMS API delivery receipt/);
      await assertNothingEmitted(out);
    });
  });

  describe('requests that are not receipts', function () {
    it('answers 400 with a sentence and emits nothing', async function () {
      const { target, out } = await load();
      // An inbound SMS webhook sent to the status URL by mistake.
      const inbound = await rt.postForm(target, {
        MessageSid: twilioSid(),
        AccountSid: TWILIO_ACCOUNT,
        From: '+14155550100',
        To: '+14155550199',
        Body: 'hello',
        SmsStatus: 'received',
      });
      assert.equal(inbound.status, 400);
      assert.match(inbound.text, /does not look like a Twilio status callback/);
      assert.match(inbound.text, /point that webhook at an sms in node/);
      const empty = await rt.send(target, { method: 'GET' });
      assert.equal(empty.status, 400);
      const badJson = await rt.postJson(target, '{"message_uuid": ');
      assert.equal(badJson.status, 400);
      assert.equal(badJson.text, 'invalid JSON');
      await assertNothingEmitted(out);
    });

    it('with a fixed provider, names the missing field', async function () {
      const { target, out } = await load({ provider: 'twilio' });
      const res = await rt.postForm(target, { MessageSid: twilioSid(), AccountSid: TWILIO_ACCOUNT, To: '+14155550199' });
      assert.equal(res.status, 400);
      assert.match(res.text, /^missing MessageStatus: expected a Twilio status callback/);
      await assertNothingEmitted(out);
    });
  });

  describe('node status and endpoint', function () {
    it('shows counts by state and rejected requests', async function () {
      const { target, statuses } = await load({ account: 'twilio' });
      for (const status of ['delivered', 'delivered', 'failed']) await postTwilio(target, twilioReceipt(twilioSid(), status));
      await postTwilio(target, twilioReceipt(twilioSid(), 'delivered'), { signWith: 'forged' });
      // A refused receipt turns the dot into a yellow ring naming why (SPEC §4), counts kept.
      assert.deepEqual(statuses[statuses.length - 1], { fill: 'yellow', shape: 'ring', text: '403 bad signature · 2 delivered · 1 failed · 1 rejected' });
      await postTwilio(target, twilioReceipt(twilioSid(), 'sent'));
      assert.deepEqual(statuses[statuses.length - 1], { fill: 'green', shape: 'dot', text: '/sms/st · 2 delivered · 1 failed · 1 rejected · 1 sent' });
    });

    it('exposes its normalized path and full callback URL for sms reply', async function () {
      await rt.load(
        [
          { id: 'st', type: 'sms status', account: 'acct', provider: 'auto', path: 'sms//delivery/', wires: [[]] },
          { id: 'acct', type: 'sms account', provider: 'twilio', publicUrl: 'https://abc.example.app/' },
        ],
        CREDS.twilio,
      );
      const node = rt.helper.getNode('st');
      assert.equal(node.path, '/sms/delivery');
      assert.equal(node.callbackUrl(), 'https://abc.example.app/sms/delivery');
    });
  });
});
