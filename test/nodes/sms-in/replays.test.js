'use strict';
// What a signature does not cover (SPEC §4): a second value under a signed parameter's name,
// and a signed request replayed long after it was captured. Real Node-RED, real HTTP.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');
const { vonageSmsSig } = require('../../support/sign');

const SECRET = 'rp-vonage-signature-secret';
const HOUR_S = 3600;
const nowS = () => Math.floor(Date.now() / 1000);
const vonageId = () => crypto.randomBytes(8).toString('hex').toUpperCase();

/** Vonage SMS API inbound fields signed as Vonage signs them, at `timestamp` (omitted when null). */
function signedSms({ timestamp = String(nowS()), ...overrides } = {}) {
  const params = {
    msisdn: '447700900001',
    to: '447700900002',
    messageId: vonageId(),
    text: 'hello',
    type: 'text',
    'message-timestamp': '2026-11-30 10:11:12',
    nonce: crypto.randomUUID(),
    ...(timestamp === null ? {} : { timestamp }),
    ...overrides,
  };
  return { ...params, sig: vonageSmsSig(SECRET, params, 'md5hash') };
}

function messagesBody() {
  return JSON.stringify({ channel: 'sms', message_uuid: crypto.randomUUID(), to: '447700900002', from: '447700900001', text: 'hi', message_type: 'text' });
}

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A Messages API JWT (HS256) over `body`, made by hand: a JWT library would add or check
 * the very claims under test. `claims` replace or (as undefined) remove the standard ones.
 */
function messagesJwt(body, claims = {}) {
  const payload = { iat: nowS(), jti: crypto.randomUUID(), iss: 'Vonage', payload_hash: crypto.createHash('sha256').update(body).digest('hex'), ...claims };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  return `${unsigned}.${crypto.createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

const query = (params) => new URLSearchParams(params).toString();

const flow = [
  { id: 'rp-acct', type: 'sms account', provider: 'vonage', name: 'vonage', signatureMethod: 'md5hash' },
  { id: 'rp-vs', type: 'sms in', account: 'rp-acct', provider: 'vonage-sms', path: '/rp/vs', wires: [['rp-out']] },
  { id: 'rp-auto', type: 'sms in', account: 'rp-acct', provider: 'auto', path: '/rp/auto', wires: [['rp-out']] },
  { id: 'rp-open', type: 'sms in', provider: 'vonage-sms', path: '/rp/open', wires: [['rp-out']] },
  { id: 'rp-st', type: 'sms status', account: 'rp-acct', provider: 'vonage-sms', path: '/rp/st', wires: [['rp-out']] },
  { id: 'rp-out', type: 'helper' },
];
const creds = { 'rp-acct': { signatureSecret: SECRET } };

describe('sms in — repeated parameters and replays (SPEC §4)', function () {
  let url;
  let out;
  before(async () => {
    ({ url } = await rt.load(flow, creds));
    out = rt.collector('rp-out');
  });
  after(async () => {
    await rt.unload();
    await rt.stopServer();
  });
  afterEach(() => out.clear());

  async function refused(res, status, pattern) {
    assert.equal(res.status, status, `${res.status} ${res.text}`);
    assert.match(res.headers.get('content-type'), /^text\/plain/);
    assert.match(res.text, pattern);
    assert.deepEqual(await out.idsAfterAMoment(), [], 'nothing reached the flow');
  }

  describe('a parameter name that appears twice', function () {
    it('a signed GET with a second text and msisdn after the signature → 400, nothing emitted (the attack in issue 12)', async function () {
      const signed = query(signedSms());
      await refused(await rt.send(`${url('/rp/vs')}?${signed}&text=INJECTED&msisdn=15550009999`, { method: 'GET' }), 400, /"(text|msisdn)" appears more than once: Vonage never repeats/);
      // The same request without the extra values is fine.
      assert.equal((await rt.send(`${url('/rp/vs')}?${signed}`, { method: 'GET' })).status, 200);
      assert.equal((await out.next()).payload, 'hello');
    });

    it('in a form, signed or not, on a fixed or an auto endpoint, and on sms status → 400', async function () {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const signedForm = `${query(signedSms())}&text=INJECTED`;
      await refused(await rt.send(url('/rp/vs'), { headers: form, body: signedForm }), 400, /"text" appears more than once/);
      await refused(await rt.send(url('/rp/auto'), { headers: form, body: signedForm }), 400, /"text" appears more than once/);
      const unsigned = `msisdn=447700900001&to=447700900002&messageId=${vonageId()}&text=a&type=text&to=447700900003`;
      await refused(await rt.send(url('/rp/open'), { headers: form, body: unsigned }), 400, /"to" appears more than once/);
      await refused(await rt.send(`${url('/rp/open')}?${unsigned}`, { method: 'GET' }), 400, /"to" appears more than once/);
      const dlr = `messageId=${vonageId()}&status=delivered&status=failed&msisdn=447700900001&to=Acme`;
      await refused(await rt.send(`${url('/rp/st')}?${dlr}`, { method: 'GET' }), 400, /"status" appears more than once/);
    });
  });

  describe('Vonage SMS API signed timestamp', function () {
    it('30 days old → 403 saying how old it is', async function () {
      const old = signedSms({ timestamp: String(nowS() - 30 * 24 * HOUR_S) });
      await refused(await rt.send(`${url('/rp/vs')}?${query(old)}`, { method: 'GET' }), 403, /replay: the timestamp parameter is 30 days old, older than the 48 h/);
    });

    it('missing → 403 saying it is missing', async function () {
      const none = signedSms({ timestamp: null });
      await refused(await rt.send(`${url('/rp/vs')}?${query(none)}`, { method: 'GET' }), 403, /has no timestamp parameter/);
    });

    it('more than 5 minutes in the future → 403 naming the clock; a few minutes either side and 47 h old are accepted', async function () {
      const ahead = signedSms({ timestamp: String(nowS() + 10 * 60) });
      await refused(await rt.send(`${url('/rp/vs')}?${query(ahead)}`, { method: 'GET' }), 403, /in the future: check the clock/);
      for (const t of [nowS() + 4 * 60, nowS() - 4 * 60, nowS() - 47 * HOUR_S]) {
        const fine = signedSms({ timestamp: String(t) });
        const res = await rt.send(`${url('/rp/vs')}?${query(fine)}`, { method: 'GET' });
        assert.equal(res.status, 200, res.text);
        assert.equal((await out.next()).sms.messageId, fine.messageId);
      }
    });

    it('an old signed delivery receipt is refused too', async function () {
      const params = { messageId: vonageId(), status: 'delivered', msisdn: '447700900001', to: 'Acme', timestamp: String(nowS() - 72 * HOUR_S), nonce: 'n' };
      const dlr = { ...params, sig: vonageSmsSig(SECRET, params, 'md5hash') };
      await refused(await rt.send(`${url('/rp/st')}?${query(dlr)}`, { method: 'GET' }), 403, /3 days old/);
    });

    it('an unsigned endpoint has no signed time to check: an old timestamp is just a field', async function () {
      const old = signedSms({ timestamp: String(nowS() - 30 * 24 * HOUR_S) });
      assert.equal((await rt.send(`${url('/rp/open')}?${query(old)}`, { method: 'GET' })).status, 200);
      assert.equal((await out.next()).sms.messageId, old.messageId);
    });
  });

  describe('Vonage Messages API JWT times', function () {
    async function post(claims) {
      const body = messagesBody();
      return rt.postJson(url('/rp/auto'), body, { authorization: `Bearer ${messagesJwt(body, claims)}` });
    }

    it('iat a year old and no exp → 403 saying the token is too old', async function () {
      await refused(await post({ iat: nowS() - 365 * 24 * HOUR_S }), 403, /replay: the token iat \(issued at\) is 365 days old/);
    });

    it('no iat → 403 saying it is missing', async function () {
      await refused(await post({ iat: undefined }), 403, /has no token iat \(issued at\)/);
    });

    it('iat in the future → 403 naming the clock', async function () {
      await refused(await post({ iat: nowS() + HOUR_S }), 403, /iat \(issued at\) is 60 minutes in the future: check the clock/);
    });

    it('nbf in the future or exp in the past → 403 that says so, not "signature does not match"', async function () {
      const nbf = await post({ nbf: nowS() + 120 });
      await refused(nbf, 403, /not valid before .* \(nbf, 1[0-9]{2} s from now\)/);
      assert.doesNotMatch(nbf.text, /signature does not match/);
      await refused(await post({ exp: nowS() - 60 }), 403, /token expired at .* \(exp\)/);
      await refused(await post({ nbf: 'soon' }), 403, /token nbf is not a number/);
    });

    it('a fresh token is accepted', async function () {
      assert.equal((await post({})).status, 200);
      assert.equal((await out.next()).payload, 'hi');
    });
  });

  describe('smsStore.retentionHours', function () {
    let restore;
    before(async () => {
      restore = rt.settings({ smsStore: { type: 'memory', retentionHours: 1 } });
      ({ url } = await rt.load(flow, creds));
      out = rt.collector('rp-out');
    });
    after(async () => {
      restore();
      ({ url } = await rt.load(flow, creds));
      out = rt.collector('rp-out');
    });

    it('sets the replay window: two hours old is refused when the retention is one hour', async function () {
      const twoHours = signedSms({ timestamp: String(nowS() - 2 * HOUR_S) });
      await refused(await rt.send(`${url('/rp/vs')}?${query(twoHours)}`, { method: 'GET' }), 403, /2 h old, older than the 60 minutes/);
      const halfHour = signedSms({ timestamp: String(nowS() - HOUR_S / 2) });
      assert.equal((await rt.send(`${url('/rp/vs')}?${query(halfHour)}`, { method: 'GET' })).status, 200);
      await out.next();
    });
  });
});
