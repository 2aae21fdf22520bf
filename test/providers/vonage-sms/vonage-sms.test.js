'use strict';
const assert = require('node:assert/strict');
const { createHash, createHmac } = require('node:crypto');
const { vonageSms } = require('../../../dist/providers/vonage-sms');
const { VONAGE_SMS_ERRORS, vonageSmsErrorText } = require('../../../dist/providers/vonage-sms/errors');
const { formRequest, jsonRequest, getRequest } = require('../../support/webhook-request');

const URL_IN = 'https://hooks.example.com/sms/inbound';
const URL_DLR = 'https://hooks.example.com/sms/status';

// Shapes as Vonage sends them (SPEC §5, Vonage SMS API webhook reference).
const INBOUND = {
  msisdn: '447700900001',
  to: '447700900000',
  messageId: '0A0000000123ABCD1',
  text: 'Hello world',
  type: 'text',
  keyword: 'HELLO',
  'api-key': 'abcd1234',
  'message-timestamp': '2020-01-01 12:00:00',
};

const DLR = {
  msisdn: '447700900001',
  to: 'AcmeInc',
  'network-code': '23410',
  messageId: '0A0000001234567B',
  price: '0.03330000',
  status: 'delivered',
  scts: '2001011400',
  'err-code': '0',
  'api-key': 'abcd1234',
  'client-ref': 'order-42',
  'message-timestamp': '2020-01-01 13:59:58',
};

// SPEC §4 vector.
const SECRET = 'my_secret_key_for_testing';
const VECTOR = {
  'message-timestamp': '2013-11-21 15:27:30',
  messageId: '020000001B0FE827',
  msisdn: '14843472194',
  text: 'Test again',
  timestamp: '1385047698',
  to: '13239877404',
  type: 'text',
};
const VECTOR_MD5HASH = 'd2e7b1dc968737c5998ad624e02f90b7';
const VECTOR_SHA256 = 'DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330';

/** Independent signer, written from Vonage's description of signed webhooks. */
function sign(params, secret, method) {
  let base = '';
  for (const name of Object.keys(params).sort()) {
    if (name === 'sig') continue;
    base += '&' + name + '=' + String(params[name]).split('&').join('_').split('=').join('_');
  }
  if (method === 'md5hash') return createHash('md5').update(base + secret, 'utf8').digest('hex');
  return createHmac(method, secret).update(base, 'utf8').digest('hex');
}

function ok(result) {
  assert.equal(result.ok, true, `expected ok, got error: ${result.error}`);
  return result.value;
}

function near(iso, ms = 5000) {
  return Math.abs(Date.parse(iso) - Date.now()) < ms;
}

const MISSING_SIG =
  'missing sig parameter (enable signed webhooks in the Vonage dashboard, or remove the signature secret)';
const BAD_SIG =
  'signature does not match (check the signature secret, Vonage dashboard ▸ Settings ▸ API Settings: Signature secret, and the signature method in the account)';

describe('vonage-sms provider', function () {
  it('has the provider id used in msg.sms.provider', function () {
    assert.equal(vonageSms.id, 'vonage-sms');
  });

  describe('verify', function () {
    const transports = {
      'GET query': (p) => getRequest(URL_IN, p),
      'POST form': (p) => formRequest(URL_IN, p),
      'POST JSON': (p) => jsonRequest(URL_IN, p),
    };

    for (const [name, build] of Object.entries(transports)) {
      it(`accepts the SPEC md5hash vector via ${name}`, function () {
        const req = build({ ...VECTOR, sig: VECTOR_MD5HASH });
        assert.deepEqual(vonageSms.verify(req, { signatureSecret: SECRET }), { checked: true, ok: true });
        assert.deepEqual(vonageSms.verify(req, { signatureSecret: SECRET, signatureMethod: 'md5hash' }), {
          checked: true,
          ok: true,
        });
      });

      it(`accepts the SPEC sha256 vector in upper and lower case via ${name}`, function () {
        for (const sig of [VECTOR_SHA256, VECTOR_SHA256.toLowerCase()]) {
          const req = build({ ...VECTOR, sig });
          assert.deepEqual(vonageSms.verify(req, { signatureSecret: SECRET, signatureMethod: 'sha256' }), {
            checked: true,
            ok: true,
          });
        }
      });
    }

    it('the independent signer reproduces the SPEC vectors (so the round trips below mean something)', function () {
      assert.equal(sign(VECTOR, SECRET, 'md5hash'), VECTOR_MD5HASH);
      assert.equal(sign(VECTOR, SECRET, 'sha256'), VECTOR_SHA256.toLowerCase());
    });

    for (const method of ['md5', 'sha1', 'sha512', 'sha256', 'md5hash']) {
      it(`round-trips a request signed with ${method}`, function () {
        const params = { ...INBOUND, timestamp: '1700000000', nonce: 'a1b2c3d4-e5f6' };
        const sig = sign(params, 'another-secret', method);
        const secrets = { signatureSecret: 'another-secret', signatureMethod: method };
        assert.equal(vonageSms.verify(formRequest(URL_IN, { ...params, sig }), secrets).ok, true);
        assert.equal(vonageSms.verify(getRequest(URL_IN, { ...params, sig: sig.toUpperCase() }), secrets).ok, true);
        // Signed by another method with the same secret: rejected.
        const other = method === 'sha1' ? 'sha512' : 'sha1';
        assert.deepEqual(vonageSms.verify(formRequest(URL_IN, { ...params, sig: sign(params, 'another-secret', other) }), secrets), {
          checked: true,
          ok: false,
          reason: BAD_SIG,
        });
      });
    }

    it('replaces & and = in values before signing (texts with those characters still verify)', function () {
      const params = { ...INBOUND, text: 'a=1&b=2 Tom & Jerry', timestamp: '1700000000', nonce: 'n1' };
      const sig = sign(params, SECRET, 'sha256');
      const secrets = { signatureSecret: SECRET, signatureMethod: 'sha256' };
      assert.equal(vonageSms.verify(formRequest(URL_IN, { ...params, sig }), secrets).ok, true);
      // A signature over the unreplaced text is not what Vonage sends, and does not verify.
      const base = Object.keys(params).sort().map((k) => `&${k}=${params[k]}`).join('');
      const naive = createHmac('sha256', SECRET).update(base).digest('hex');
      assert.notEqual(naive, sig);
      assert.equal(vonageSms.verify(formRequest(URL_IN, { ...params, sig: naive }), secrets).ok, false);
    });

    it('verifies a JSON body whose values are numbers, as their string form', function () {
      const params = { ...VECTOR, timestamp: 1385047698, msisdn: 14843472194, to: 13239877404 };
      const req = jsonRequest(URL_IN, { ...params, sig: VECTOR_MD5HASH });
      assert.equal(vonageSms.verify(req, { signatureSecret: SECRET }).ok, true);
    });

    it('rejects tampered text, a wrong secret and a wrong method', function () {
      const tampered = getRequest(URL_IN, { ...VECTOR, text: 'Test again!', sig: VECTOR_MD5HASH });
      assert.deepEqual(vonageSms.verify(tampered, { signatureSecret: SECRET }), { checked: true, ok: false, reason: BAD_SIG });

      const good = getRequest(URL_IN, { ...VECTOR, sig: VECTOR_MD5HASH });
      assert.deepEqual(vonageSms.verify(good, { signatureSecret: 'not-the-secret' }), {
        checked: true,
        ok: false,
        reason: BAD_SIG,
      });
      assert.deepEqual(vonageSms.verify(good, { signatureSecret: SECRET, signatureMethod: 'sha256' }), {
        checked: true,
        ok: false,
        reason: BAD_SIG,
      });
      const sha = getRequest(URL_IN, { ...VECTOR, sig: VECTOR_SHA256 });
      assert.equal(vonageSms.verify(sha, { signatureSecret: SECRET, signatureMethod: 'md5hash' }).ok, false);
    });

    it('rejects an added parameter that was not signed', function () {
      const req = formRequest(URL_IN, { ...VECTOR, extra: 'x', sig: VECTOR_MD5HASH });
      assert.equal(vonageSms.verify(req, { signatureSecret: SECRET }).ok, false);
    });

    it('rejects a truncated or empty signature without throwing', function () {
      for (const sig of [VECTOR_MD5HASH.slice(0, 31), VECTOR_MD5HASH + '00', 'zz']) {
        const req = formRequest(URL_IN, { ...VECTOR, sig });
        assert.deepEqual(vonageSms.verify(req, { signatureSecret: SECRET }), { checked: true, ok: false, reason: BAD_SIG });
      }
      assert.deepEqual(vonageSms.verify(formRequest(URL_IN, { ...VECTOR, sig: '' }), { signatureSecret: SECRET }), {
        checked: true,
        ok: false,
        unsigned: true,
        reason: MISSING_SIG,
      });
    });

    it('without a signature secret nothing is checked and the request passes', function () {
      const req = formRequest(URL_IN, { ...VECTOR, sig: 'bogus' });
      assert.deepEqual(vonageSms.verify(req, {}), { checked: false, ok: true });
      assert.deepEqual(vonageSms.verify(formRequest(URL_IN, INBOUND), { signatureSecret: '' }), { checked: false, ok: true });
    });

    it('with a secret, an unsigned request is rejected with a sentence that says what to do', function () {
      assert.deepEqual(vonageSms.verify(formRequest(URL_IN, VECTOR), { signatureSecret: SECRET }), {
        checked: true,
        ok: false,
        unsigned: true,
        reason: MISSING_SIG,
      });
    });

    it('an unknown signature method is reported, not thrown', function () {
      const req = formRequest(URL_IN, { ...VECTOR, sig: VECTOR_MD5HASH });
      const result = vonageSms.verify(req, { signatureSecret: SECRET, signatureMethod: 'crc32' });
      assert.equal(result.checked, true);
      assert.equal(result.ok, false);
      assert.match(result.reason, /unknown signature method "crc32"/);
    });

    it('never throws on bodies that are not Vonage SMS fields', function () {
      for (const body of ['null', '[1,2]', '"text"', '{"sms":{"num_messages":"1"}}', '{"sig":null}']) {
        const result = vonageSms.verify(jsonRequest(URL_IN, body), { signatureSecret: SECRET });
        assert.equal(result.checked, true);
        assert.equal(result.ok, false);
      }
    });
  });

  describe('parseInbound', function () {
    it('normalizes a plain text message (GET query)', function () {
      const req = getRequest(URL_IN, INBOUND);
      const sms = ok(vonageSms.parseInbound(req));
      assert.deepEqual(sms, {
        provider: 'vonage-sms',
        messageId: '0A0000000123ABCD1',
        from: '+447700900001',
        to: '+447700900000',
        text: 'Hello world',
        keyword: 'HELLO',
        media: [],
        segments: 1,
        channel: 'sms',
        type: 'text',
        timestamp: '2020-01-01T12:00:00.000Z',
        raw: INBOUND,
      });
      assert.equal(sms.raw, req.query, 'raw is the query exactly as received');
    });

    it('gives the same message from POST form and POST JSON', function () {
      const fromGet = ok(vonageSms.parseInbound(getRequest(URL_IN, INBOUND)));
      const formReq = formRequest(URL_IN, INBOUND);
      const jsonReq = jsonRequest(URL_IN, INBOUND);
      const fromForm = ok(vonageSms.parseInbound(formReq));
      const fromJson = ok(vonageSms.parseInbound(jsonReq));
      assert.deepEqual(fromForm, fromGet);
      assert.deepEqual(fromJson, fromGet);
      assert.equal(fromForm.raw, formReq.form);
      assert.equal(fromJson.raw, jsonReq.json);
    });

    it('computes the keyword itself rather than trusting Vonage’s keyword field', function () {
      const sms = ok(vonageSms.parseInbound(formRequest(URL_IN, { ...INBOUND, text: '  "pizza," please', keyword: 'WRONG' })));
      assert.equal(sms.keyword, 'PIZZA');
      assert.equal(sms.optOut, undefined);
    });

    it('keeps unicode text with emoji intact', function () {
      const text = '😀 Grüße aus Köln — привет';
      const sms = ok(vonageSms.parseInbound(formRequest(URL_IN, { ...INBOUND, type: 'unicode', text })));
      assert.equal(sms.text, text);
      assert.equal(sms.keyword, 'GRÜSSE');
    });

    it('flags standard opt-out keywords only when they are the whole message', function () {
      const cases = { STOP: 'stop', 'stop.': 'stop', Unsubscribe: 'stop', START: 'start', 'help?': 'help', INFO: 'help' };
      for (const [text, optOut] of Object.entries(cases)) {
        const sms = ok(vonageSms.parseInbound(formRequest(URL_IN, { ...INBOUND, text })));
        assert.equal(sms.optOut, optOut, text);
      }
      const sms = ok(vonageSms.parseInbound(formRequest(URL_IN, { ...INBOUND, text: 'stop sending me pizza' })));
      assert.equal(sms.keyword, 'STOP');
      assert.equal('optOut' in sms, false);
    });

    it('gives binary messages an empty text and keeps data / udh in raw', function () {
      const params = { ...INBOUND, type: 'binary', data: '0102030405', udh: '050003CC0201' };
      delete params.text;
      delete params.keyword;
      const sms = ok(vonageSms.parseInbound(formRequest(URL_IN, params)));
      assert.equal(sms.text, '');
      assert.equal(sms.keyword, '');
      assert.equal(sms.raw.data, '0102030405');
      assert.equal(sms.raw.udh, '050003CC0201');
    });

    it('marks each part of a multipart message with its concat header', function () {
      const parts = ['Part one of a long ', 'message that spans ', 'three SMS.'].map((text, i) =>
        formRequest(URL_IN, {
          ...INBOUND,
          messageId: `0A00000000000${i}`,
          text,
          concat: 'true',
          'concat-ref': '108',
          'concat-total': '3',
          'concat-part': String(i + 1),
        }),
      );
      const out = parts.map((req) => ok(vonageSms.parseInbound(req)));
      assert.deepEqual(
        out.map((s) => s.concat),
        [1, 2, 3].map((part) => ({ ref: '108', total: 3, part })),
      );
      for (const s of out) assert.equal(s.segments, 3);
      assert.equal(out[1].text, 'message that spans ');
    });

    it('does not mark a single SMS as a part', function () {
      const sms = ok(vonageSms.parseInbound(formRequest(URL_IN, INBOUND)));
      assert.equal('concat' in sms, false);
      const explicit = ok(vonageSms.parseInbound(formRequest(URL_IN, { ...INBOUND, concat: 'false' })));
      assert.equal('concat' in explicit, false);
    });

    it('rejects impossible concat headers with a plain sentence', function () {
      const bad = [
        { 'concat-total': '3', 'concat-part': '4' },
        { 'concat-total': '3', 'concat-part': '0' },
        { 'concat-total': '0', 'concat-part': '1' },
        { 'concat-total': '256', 'concat-part': '1' },
        { 'concat-total': 'three', 'concat-part': '1' },
        { 'concat-total': '2' },
      ];
      for (const fields of bad) {
        const req = formRequest(URL_IN, { ...INBOUND, concat: 'true', 'concat-ref': '7', ...fields });
        assert.deepEqual(vonageSms.parseInbound(req), { ok: false, error: 'invalid concat-part / concat-total' }, JSON.stringify(fields));
      }
      const edge = formRequest(URL_IN, { ...INBOUND, concat: 'true', 'concat-ref': '7', 'concat-total': '255', 'concat-part': '255' });
      assert.deepEqual(ok(vonageSms.parseInbound(edge)).concat, { ref: '7', total: 255, part: 255 });
    });

    it('accepts JSON with numbers and booleans where form sends strings', function () {
      const body = {
        msisdn: 447700900001,
        to: 447700900000,
        messageId: '0A0000000123ABCD1',
        text: 'Part 2',
        type: 'text',
        concat: true,
        'concat-ref': 12,
        'concat-total': 2,
        'concat-part': 2,
        'message-timestamp': '2020-01-01 12:00:00',
      };
      const req = jsonRequest(URL_IN, body);
      const sms = ok(vonageSms.parseInbound(req));
      assert.equal(sms.from, '+447700900001');
      assert.equal(sms.to, '+447700900000');
      assert.deepEqual(sms.concat, { ref: '12', total: 2, part: 2 });
      assert.equal(sms.segments, 2);
      assert.equal(sms.raw, req.json, 'raw keeps the numbers as received');
    });

    it('rejects JSON that is not a flat object', function () {
      const error = 'expected a flat JSON object of Vonage SMS API fields';
      for (const body of ['[1,2]', '"hello"', '42', 'null', JSON.stringify({ ...INBOUND, sms: { num_messages: '1' } })]) {
        assert.deepEqual(vonageSms.parseInbound(jsonRequest(URL_IN, body)), { ok: false, error }, body);
        assert.deepEqual(vonageSms.parseStatus(jsonRequest(URL_DLR, body)), { ok: false, error }, body);
      }
    });

    it('uses the time of arrival when message-timestamp is missing or malformed', function () {
      for (const ts of [undefined, 'yesterday']) {
        const params = { ...INBOUND, 'message-timestamp': ts };
        if (ts === undefined) delete params['message-timestamp'];
        const sms = ok(vonageSms.parseInbound(formRequest(URL_IN, params)));
        assert.ok(near(sms.timestamp), sms.timestamp);
      }
    });

    it('names the missing field in a plain sentence', function () {
      for (const name of ['msisdn', 'to', 'messageId']) {
        const params = { ...INBOUND };
        delete params[name];
        assert.deepEqual(vonageSms.parseInbound(formRequest(URL_IN, params)), { ok: false, error: `missing ${name}` });
      }
      assert.deepEqual(vonageSms.parseInbound(getRequest(URL_IN, {})), { ok: false, error: 'missing msisdn' });
    });
  });

  describe('parseStatus', function () {
    it('normalizes a delivered receipt', function () {
      const req = formRequest(URL_DLR, DLR);
      const event = ok(vonageSms.parseStatus(req));
      assert.deepEqual(event, {
        provider: 'vonage-sms',
        messageId: '0A0000001234567B',
        state: 'delivered',
        final: true,
        providerStatus: 'delivered',
        timestamp: '2020-01-01T14:00:00.000Z',
        to: '+447700900001',
        from: 'AcmeInc',
        price: 0.0333,
        clientRef: 'order-42',
        raw: DLR,
      });
      assert.equal(event.raw, req.form);
    });

    const TABLE = {
      accepted: ['accepted', false],
      buffered: ['sending', false],
      delivered: ['delivered', true],
      expired: ['undelivered', true],
      failed: ['failed', true],
      rejected: ['failed', true],
      unknown: ['unknown', false],
      'something-new': ['unknown', false],
    };
    for (const [status, [state, final]] of Object.entries(TABLE)) {
      it(`maps status "${status}" to ${state} (final: ${final})`, function () {
        const event = ok(vonageSms.parseStatus(getRequest(URL_DLR, { ...DLR, status })));
        assert.equal(event.state, state);
        assert.equal(event.final, final);
        assert.equal(event.providerStatus, status);
      });
    }

    it('explains err-codes with the SPEC texts', function () {
      const cases = {
        2: ['failed', 'Absent subscriber (temporary)'],
        6: ['rejected', 'Anti-spam rejection'],
        9: ['failed', 'Illegal number'],
        15: ['failed', 'Prepaid insufficient funds'],
        53: ['rejected', 'Consent filter'],
        99: ['failed', 'General error'],
      };
      for (const [code, [status, text]] of Object.entries(cases)) {
        const event = ok(vonageSms.parseStatus(formRequest(URL_DLR, { ...DLR, status, 'err-code': code })));
        assert.equal(event.errorCode, code);
        assert.equal(event.errorMessage, text);
        assert.equal(event.final, true);
      }
    });

    it('has no error on a successful receipt (err-code 0) and no text for codes outside the table', function () {
      const good = ok(vonageSms.parseStatus(formRequest(URL_DLR, DLR)));
      assert.equal('errorCode' in good, false);
      assert.equal('errorMessage' in good, false);
      const odd = ok(vonageSms.parseStatus(formRequest(URL_DLR, { ...DLR, status: 'failed', 'err-code': '77' })));
      assert.equal(odd.errorCode, '77');
      assert.equal('errorMessage' in odd, false);
    });

    it('holds all 22 err-codes with the exact SPEC §5 texts', function () {
      const spec =
        '0 Delivered, 1 Unknown, 2 Absent subscriber (temporary), 3 Absent subscriber (permanent), 4 Call barred by user, ' +
        '5 Portability error, 6 Anti-spam rejection, 7 Handset busy, 8 Network error, 9 Illegal number, ' +
        '10 Illegal message, 11 Unroutable, 12 Destination unreachable, 13 Subscriber age restriction, ' +
        '14 Number blocked by carrier, 15 Prepaid insufficient funds, 50 Entity filter, 51 Header filter, ' +
        '52 Content filter, 53 Consent filter, 54 Regulation error, 99 General error';
      const expected = {};
      for (const entry of spec.split(', ')) {
        const [, code, text] = entry.match(/^(\d+) (.+)$/);
        expected[code] = text;
      }
      assert.equal(Object.keys(expected).length, 22);
      assert.deepEqual({ ...VONAGE_SMS_ERRORS }, expected);
      assert.equal(vonageSmsErrorText('constructor'), undefined);
    });

    it('takes the time from scts, else message-timestamp, else now', function () {
      const withScts = ok(vonageSms.parseStatus(formRequest(URL_DLR, { ...DLR, scts: '2403151230' })));
      assert.equal(withScts.timestamp, '2024-03-15T12:30:00.000Z');
      const params = { ...DLR };
      delete params.scts;
      assert.equal(ok(vonageSms.parseStatus(formRequest(URL_DLR, params))).timestamp, '2020-01-01T13:59:58.000Z');
      delete params['message-timestamp'];
      assert.ok(near(ok(vonageSms.parseStatus(formRequest(URL_DLR, params))).timestamp));
    });

    it('reads a JSON receipt with numeric fields', function () {
      const body = { ...DLR, msisdn: 447700900001, price: 0.0333, 'err-code': 4, status: 'failed' };
      const event = ok(vonageSms.parseStatus(jsonRequest(URL_DLR, body)));
      assert.equal(event.to, '+447700900001');
      assert.equal(event.price, 0.0333);
      assert.equal(event.errorCode, '4');
      assert.equal(event.errorMessage, 'Call barred by user');
    });

    it('leaves out what the receipt does not carry', function () {
      const event = ok(vonageSms.parseStatus(getRequest(URL_DLR, { messageId: 'm1', status: 'accepted', price: 'n/a' })));
      for (const name of ['to', 'from', 'price', 'clientRef', 'errorCode', 'errorMessage']) {
        assert.equal(name in event, false, name);
      }
    });

    it('names a missing messageId or status', function () {
      const noId = { ...DLR };
      delete noId.messageId;
      assert.deepEqual(vonageSms.parseStatus(formRequest(URL_DLR, noId)), { ok: false, error: 'missing messageId' });
      const noStatus = { ...DLR };
      delete noStatus.status;
      assert.deepEqual(vonageSms.parseStatus(formRequest(URL_DLR, noStatus)), { ok: false, error: 'missing status' });
    });
  });

  describe('recognizes', function () {
    const twilioInbound = formRequest(URL_IN, {
      MessageSid: 'SM1234567890abcdef1234567890abcdef',
      AccountSid: 'AC1234567890abcdef1234567890abcdef',
      From: '+14155550100',
      To: '+14155550199',
      Body: 'Hello',
      NumMedia: '0',
      NumSegments: '1',
    });
    const twilioStatus = formRequest(URL_DLR, {
      MessageSid: 'SM1234567890abcdef1234567890abcdef',
      MessageStatus: 'delivered',
      From: '+14155550100',
      To: '+14155550199',
    });
    const messagesInbound = jsonRequest(URL_IN, {
      channel: 'sms',
      message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      to: '447700900000',
      from: '447700900001',
      timestamp: '2025-02-03T12:14:25Z',
      text: 'Hello',
      message_type: 'text',
      sms: { num_messages: '1' },
    });
    const messagesStatus = jsonRequest(URL_DLR, {
      message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      to: '447700900001',
      from: '447700900000',
      timestamp: '2025-02-03T12:14:25Z',
      status: 'delivered',
      channel: 'sms',
      usage: { currency: 'EUR', price: '0.0333' },
    });

    it('recognizes Vonage SMS inbound messages in every transport, and not as status', function () {
      for (const req of [getRequest(URL_IN, INBOUND), formRequest(URL_IN, INBOUND), jsonRequest(URL_IN, INBOUND)]) {
        assert.equal(vonageSms.recognizes(req, 'inbound'), true);
        assert.equal(vonageSms.recognizes(req, 'status'), false);
      }
      const binary = { ...INBOUND, type: 'binary', data: '01' };
      delete binary.text;
      assert.equal(vonageSms.recognizes(formRequest(URL_IN, binary), 'inbound'), true);
    });

    it('recognizes Vonage SMS delivery receipts, and not as inbound', function () {
      for (const req of [getRequest(URL_DLR, DLR), formRequest(URL_DLR, DLR), jsonRequest(URL_DLR, DLR)]) {
        assert.equal(vonageSms.recognizes(req, 'status'), true);
        assert.equal(vonageSms.recognizes(req, 'inbound'), false);
      }
    });

    it('does not claim Twilio or Messages API webhooks', function () {
      for (const req of [twilioInbound, twilioStatus, messagesInbound, messagesStatus]) {
        assert.equal(vonageSms.recognizes(req, 'inbound'), false);
        assert.equal(vonageSms.recognizes(req, 'status'), false);
      }
    });

    it('does not claim an inbound request missing text and type', function () {
      const bare = { ...INBOUND };
      delete bare.text;
      delete bare.type;
      assert.equal(vonageSms.recognizes(formRequest(URL_IN, bare), 'inbound'), false);
    });

    it('never throws, whatever arrives', function () {
      const odd = [
        jsonRequest(URL_IN, 'null'),
        jsonRequest(URL_IN, '[]'),
        { method: 'GET', url: URL_IN, headers: {}, bodyType: 'none' },
        { method: 'POST', bodyType: 'form', form: null },
        {},
      ];
      for (const req of odd) {
        for (const kind of ['inbound', 'status']) assert.equal(vonageSms.recognizes(req, kind), false);
      }
      assert.equal(vonageSms.recognizes(null, 'inbound'), false);
    });
  });
});
