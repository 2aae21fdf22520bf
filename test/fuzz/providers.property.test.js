'use strict';
// Property-based tests over every provider parser and signature verifier (src/providers/<id>/,
// run from the build in dist/providers): they never throw on anything a client can send,
// answer in the documented shapes, accept what the provider signs and refuse it once changed.
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { PROVIDERS } = require('../../dist/providers');
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('../support/sign');
const { formRequest, jsonRequest, getRequest } = require('../support/webhook-request');
const arb = require('./arbitraries');

// FUZZ_SCALE=10 for a deeper run by hand; the default keeps npm test fast.
const SCALE = Number(process.env.FUZZ_SCALE || 1);
const RUNS = { numRuns: 1000 * SCALE };
const STATES = ['accepted', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'unknown'];
const FINAL = new Set(['delivered', 'undelivered', 'failed', 'read']);
const secret = fc.string({ minLength: 8, maxLength: 40 }).filter((s) => s.trim() === s && s.length >= 8);
/** Parameter names a signer may use freely (the Vonage SMS signer sets its own timestamp, nonce, sig). */
const signedName = arb.fieldName.filter((n) => !['sig', 'timestamp', 'nonce'].includes(n));
const flatParams = fc.dictionary(signedName, arb.fieldValue, { minKeys: 1, maxKeys: 15 });

const isIso = (s) => typeof s === 'string' && !Number.isNaN(Date.parse(s)) && /Z$/.test(s);

function assertParseShape(result, id, kind) {
  assert.equal(typeof result.ok, 'boolean');
  if (!result.ok) {
    assert.equal(typeof result.error, 'string');
    assert.ok(result.error.length > 5, 'a sentence for the 400');
    return;
  }
  const v = result.value;
  assert.equal(v.provider, id);
  assert.ok(typeof v.messageId === 'string' && v.messageId.length > 0, 'a message id');
  assert.ok(isIso(v.timestamp), `ISO timestamp, got ${v.timestamp}`);
  assert.doesNotThrow(() => JSON.stringify(v), 'the message can go to a debug node');
  if (kind === 'inbound') {
    for (const k of ['from', 'to', 'text', 'keyword', 'channel']) assert.equal(typeof v[k], 'string', k);
    assert.ok(Number.isInteger(v.segments) && v.segments >= 1, `segments ${v.segments}`);
    assert.ok(Array.isArray(v.media) && v.media.every((m) => typeof m.url === 'string' && m.url.length > 0));
    if (v.optOut !== undefined) assert.ok(['stop', 'start', 'help'].includes(v.optOut));
    if (v.concat) assert.ok(v.concat.part >= 1 && v.concat.part <= v.concat.total, 'part within total');
  } else {
    assert.ok(STATES.includes(v.state), v.state);
    assert.equal(v.final, FINAL.has(v.state));
    assert.equal(typeof v.providerStatus, 'string');
    if (v.price !== undefined) assert.ok(Number.isFinite(v.price), 'no NaN price');
    if (v.segments !== undefined) assert.ok(Number.isInteger(v.segments) && v.segments >= 1);
  }
}

describe('fuzz: provider parsers and verifiers (fast-check)', function () {
  this.timeout(20000);

  for (const [id, provider] of Object.entries(PROVIDERS)) {
    describe(id, function () {
      it('recognizes, parses and verifies any request without throwing, in the documented shapes', function () {
        fc.assert(
          fc.property(arb.webhookRequest, secret, (req, s) => {
            for (const kind of ['inbound', 'status']) assert.equal(typeof provider.recognizes(req, kind), 'boolean');
            assertParseShape(provider.parseInbound(req), id, 'inbound');
            assertParseShape(provider.parseStatus(req), id, 'status');
            const unchecked = provider.verify(req, {});
            assert.deepEqual([unchecked.checked, unchecked.ok], [false, true], 'no secret: nothing checked');
            const checked = provider.verify(req, { authToken: s, signatureSecret: s, signatureMethod: 'sha256' });
            assert.equal(checked.checked, true);
            // A random request is not signed with this secret.
            assert.equal(checked.ok, false, 'a random request passed the signature check');
            assert.ok(typeof checked.reason === 'string' && checked.reason.length > 5);
          }),
          RUNS,
        );
      });
    });
  }

  describe('signatures made the way the providers make them', function () {
    it('Twilio: accepts any signed form, refuses it with one value changed or a parameter added', function () {
      fc.assert(
        fc.property(secret, fc.webUrl({ withQueryParameters: true }), flatParams, fc.string({ minLength: 1, maxLength: 5 }), (token, url, params, extra) => {
          const signed = (p) => formRequest(url, p, { 'x-twilio-signature': twilioSignature(token, url, params) });
          assert.equal(PROVIDERS.twilio.verify(signed(params), { authToken: token }).ok, true, 'signed form refused');
          const name = Object.keys(params)[0];
          const changed = { ...params, [name]: `${params[name]}${extra}` };
          assert.equal(PROVIDERS.twilio.verify(signed(changed), { authToken: token }).ok, false, 'changed value accepted');
          const added = { ...params, [`X${extra}`]: extra };
          if (!(`X${extra}` in params)) assert.equal(PROVIDERS.twilio.verify(signed(added), { authToken: token }).ok, false);
        }),
        RUNS,
      );
    });

    it('Vonage SMS API: accepts any signed GET or POST with each signature method, refuses a changed value', function () {
      const method = fc.constantFrom('md5hash', 'md5', 'sha1', 'sha256', 'sha512');
      const stringParams = flatParams.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])));
      fc.assert(
        fc.property(secret, method, stringParams, fc.boolean(), fc.constantFrom('x', '1', 'é'), (s, m, params, get, extra) => {
          const signed = signVonageSms(s, params, m);
          const build = (p) => (get ? getRequest('https://abc.example.app/sms/in', p) : formRequest('https://abc.example.app/sms/in', p));
          const secrets = { signatureSecret: s, signatureMethod: m };
          assert.equal(PROVIDERS['vonage-sms'].verify(build(signed), secrets).ok, true, 'signed request refused');
          const name = Object.keys(params)[0];
          const changed = { ...signed, [name]: `${signed[name]}${extra}` };
          assert.equal(PROVIDERS['vonage-sms'].verify(build(changed), secrets).ok, false, 'changed value accepted');
        }),
        RUNS,
      );
    });

    it('Vonage Messages API: accepts any JSON body with its signed token, refuses another body under that token', function () {
      const body = fc.dictionary(arb.fieldName, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 10 });
      fc.assert(
        fc.property(secret, body, fc.string({ maxLength: 5 }), (s, json, extra) => {
          const raw = JSON.stringify(json);
          const auth = { authorization: `Bearer ${vonageMessagesJwt(s, raw)}` };
          const url = 'https://abc.example.app/sms/in';
          assert.equal(PROVIDERS['vonage-messages'].verify(jsonRequest(url, raw, auth), { signatureSecret: s }).ok, true);
          const other = JSON.stringify({ ...json, extra: `x${extra}` });
          assert.equal(PROVIDERS['vonage-messages'].verify(jsonRequest(url, other, auth), { signatureSecret: s }).ok, false);
          assert.equal(PROVIDERS['vonage-messages'].verify(jsonRequest(url, raw, auth), { signatureSecret: `${s}x` }).ok, false);
        }),
        { numRuns: 300 * SCALE },
      );
    });
  });
});
