'use strict';
const assert = require('node:assert/strict');
const { createHash, randomUUID } = require('node:crypto');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const jwt = require('jsonwebtoken');
const { vonageMessages } = require('../../../dist/providers/vonage-messages');
const { jsonRequest, formRequest, getRequest } = require('../../support/webhook-request');

const URL_IN = 'https://abc.example.app/sms/inbound';
const URL_STATUS = 'https://abc.example.app/sms/status';
const SECRET = 'sig-secret-0123456789abcdef0123456789abcdef';

const sha256 = (raw) => createHash('sha256').update(raw).digest('hex');
const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

/** A token made the way Vonage signs webhooks: HS256 over iat, jti, iss, payload_hash. */
function vonageToken(raw, { secret = SECRET, claims = {}, omitHash = false } = {}) {
  const payload = {
    jti: randomUUID(),
    iss: 'Vonage',
    api_key: 'abcd1234',
    application_id: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    ...(omitHash ? {} : { payload_hash: sha256(raw) }),
    ...claims,
  };
  return jwt.sign(payload, secret, { algorithm: 'HS256' });
}

function signedRequest(body, tokenOptions) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return jsonRequest(URL_IN, raw, { Authorization: `Bearer ${vonageToken(raw, tokenOptions)}` });
}

// Payloads as the Messages API v1 sends them.
const SMS_INBOUND = {
  channel: 'sms',
  message_uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
  to: '447700900000',
  from: '447700900001',
  timestamp: '2025-02-03T12:14:25Z',
  text: 'hello, from Vonage!',
  sms: { num_messages: '2', keyword: 'HELLO' },
  usage: { price: '0.0057', currency: 'EUR' },
  message_type: 'text',
};

const MMS_IMAGE = {
  channel: 'mms',
  message_uuid: 'bbbbbbbb-bbbb-4ccc-8ddd-0123456789ab',
  to: '14155550100',
  from: '14155550101',
  timestamp: '2025-02-03T12:15:00Z',
  message_type: 'image',
  image: { url: 'https://api.nexmo.com/v3/media/1111', caption: 'Look at this' },
};

const MMS_CONTENT = {
  channel: 'mms',
  message_uuid: 'cccccccc-bbbb-4ccc-8ddd-0123456789ab',
  to: '14155550100',
  from: '14155550101',
  timestamp: '2025-02-03T12:16:00Z',
  message_type: 'content',
  content: [
    { type: 'text', text: 'two pictures' },
    { type: 'image', url: 'https://api.nexmo.com/v3/media/2222' },
    { type: 'video', url: 'https://api.nexmo.com/v3/media/3333', caption: 'clip' },
  ],
};

const WHATSAPP_TEXT = {
  channel: 'whatsapp',
  message_uuid: 'dddddddd-bbbb-4ccc-8ddd-0123456789ab',
  to: '447700900000',
  from: '447700900002',
  timestamp: '2025-02-03T12:17:00Z',
  message_type: 'text',
  text: 'Hi there',
  profile: { name: 'Jane Smith' },
  context_status: 'none',
};

function status(statusValue, extra = {}) {
  return {
    message_uuid: 'eeeeeeee-bbbb-4ccc-8ddd-0123456789ab',
    to: '447700900001',
    from: '447700900000',
    timestamp: '2025-02-03T12:20:00Z',
    status: statusValue,
    channel: 'sms',
    ...extra,
  };
}

function inbound(body) {
  const result = vonageMessages.parseInbound(jsonRequest(URL_IN, body));
  assert.equal(result.ok, true, result.error);
  return result.value;
}

function parsedStatus(body) {
  const result = vonageMessages.parseStatus(jsonRequest(URL_STATUS, body));
  assert.equal(result.ok, true, result.error);
  return result.value;
}

function assertRecentIso(value) {
  assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.ok(Math.abs(Date.parse(value) - Date.now()) < 5000, `${value} is not now`);
}

describe('vonage-messages provider', function () {
  it('has the provider id used in msg.sms.provider', function () {
    assert.equal(vonageMessages.id, 'vonage-messages');
  });

  describe('verify (signed webhooks, JWT)', function () {
    function verify(req, secrets = { signatureSecret: SECRET }) {
      return vonageMessages.verify(req, secrets);
    }

    it('reports "unchecked" and lets the request through when no signature secret is set', function () {
      assert.deepEqual(verify(jsonRequest(URL_IN, SMS_INBOUND), {}), { checked: false, ok: true });
    });

    it('accepts a token signed by Vonage for this exact body, and names the API key it was signed for', function () {
      assert.deepEqual(verify(signedRequest(SMS_INBOUND)), { checked: true, ok: true, signer: 'abcd1234' });
    });

    it('names no account for a token without an api_key claim', function () {
      assert.deepEqual(verify(signedRequest(SMS_INBOUND, { claims: { api_key: undefined } })), { checked: true, ok: true });
    });

    it('hashes the bytes as received, not a re-serialization of the JSON', function () {
      const raw = '{ "message_uuid" : "x",\n  "status": "delivered", "text": "caf\\u00e9" }\n';
      assert.deepEqual(verify(signedRequest(raw)), { checked: true, ok: true, signer: 'abcd1234' });
    });

    it('accepts a "bearer" scheme in any letter case', function () {
      const raw = JSON.stringify(SMS_INBOUND);
      const req = jsonRequest(URL_IN, raw, { Authorization: `bearer ${vonageToken(raw)}` });
      assert.equal(verify(req).ok, true);
    });

    it('rejects a token signed with another secret', function () {
      const result = verify(signedRequest(SMS_INBOUND, { secret: 'not-the-secret' }));
      assert.deepEqual(result, {
        checked: true,
        ok: false,
        reason: 'signature does not match (check the signature secret of the Vonage account, Vonage dashboard ▸ Settings ▸ API Settings: Signature secret)',
      });
    });

    it('rejects a body changed by one byte after signing', function () {
      const raw = JSON.stringify(SMS_INBOUND);
      const token = vonageToken(raw);
      const tampered = raw.replace('hello', 'hellp');
      const result = verify(jsonRequest(URL_IN, tampered, { Authorization: `Bearer ${token}` }));
      assert.equal(result.ok, false);
      assert.equal(result.reason, 'payload_hash does not match the body (the body was changed in transit)');
    });

    it('rejects a validly signed token that has no payload_hash', function () {
      const result = verify(signedRequest(SMS_INBOUND, { omitHash: true }));
      assert.equal(result.ok, false);
      assert.equal(result.reason, 'token has no payload_hash');
    });

    it('rejects an expired token', function () {
      const past = Math.floor(Date.now() / 1000) - 3600;
      const result = verify(signedRequest(SMS_INBOUND, { claims: { iat: past - 60, exp: past } }));
      assert.equal(result.ok, false);
      assert.match(result.reason, /expired/);
    });

    it('calls a forged token forged, whatever its times say (not a clock problem)', function () {
      const past = Math.floor(Date.now() / 1000) - 3600;
      const result = verify(signedRequest(SMS_INBOUND, { secret: 'not-the-secret', claims: { iat: past - 60, exp: past } }));
      assert.equal(result.ok, false);
      assert.match(result.reason, /^signature does not match/);
    });

    it('refuses a signature with characters appended (only the exact base64url value counts)', function () {
      const raw = JSON.stringify(SMS_INBOUND);
      const token = vonageToken(raw);
      for (const extra of ['=', 'A', '.']) {
        const result = verify(jsonRequest(URL_IN, raw, { Authorization: `Bearer ${token}${extra}` }));
        assert.equal(result.ok, false, `signature + '${extra}'`);
      }
    });

    it('accepts a token whose exp is still ahead', function () {
      const future = Math.floor(Date.now() / 1000) + 600;
      assert.equal(verify(signedRequest(SMS_INBOUND, { claims: { exp: future } })).ok, true);
    });

    it('rejects an unsigned token (alg: none) even with a correct payload_hash', function () {
      const raw = JSON.stringify(SMS_INBOUND);
      const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({
        iat: Math.floor(Date.now() / 1000),
        jti: randomUUID(),
        iss: 'Vonage',
        payload_hash: sha256(raw),
      })}.`;
      const result = verify(jsonRequest(URL_IN, raw, { Authorization: `Bearer ${token}` }));
      assert.equal(result.checked, true);
      assert.equal(result.ok, false);
      assert.match(result.reason, /none/);
    });

    it('rejects garbage tokens with a reason instead of throwing', function () {
      for (const token of ['garbage', 'a.b.c', 'e30.e30.', '...', `${b64url([1])}.${b64url({})}.x`, '🙂.🙂.🙂']) {
        const result = verify(jsonRequest(URL_IN, SMS_INBOUND, { Authorization: `Bearer ${token}` }));
        assert.equal(result.checked, true, token);
        assert.equal(result.ok, false, token);
        assert.equal(typeof result.reason, 'string', token);
      }
    });

    it('rejects a request without an Authorization: Bearer header, saying how to fix it', function () {
      const reason =
        'missing Authorization: Bearer token (enable signed webhooks for the Vonage application, or remove the signature secret)';
      for (const headers of [{}, { Authorization: '' }, { Authorization: 'Basic dXNlcjpwYXNz' }, { Authorization: 'Bearer' }]) {
        assert.deepEqual(verify(jsonRequest(URL_IN, SMS_INBOUND, headers)), { checked: true, ok: false, unsigned: true, reason });
      }
    });

    it('checks a signed request without loading any Vonage SDK module (start-up time)', function () {
      const modulePath = path.join(__dirname, '../../../dist/providers/vonage-messages/index.js');
      const script = `
        const { vonageMessages } = require(${JSON.stringify(modulePath)});
        const loaded = () => Object.keys(require.cache).some((k) => k.includes('@vonage'));
        const before = loaded();
        vonageMessages.verify({ headers: { authorization: 'Bearer ${vonageToken('{}')}' }, rawBody: Buffer.from('{}') },
          { signatureSecret: ${JSON.stringify(SECRET)} });
        process.stdout.write(JSON.stringify([before, loaded()]));`;
      const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.deepEqual(JSON.parse(out), [false, false]);
    });
  });

  describe('parseInbound', function () {
    it('normalizes an inbound SMS', function () {
      const req = jsonRequest(URL_IN, SMS_INBOUND);
      const result = vonageMessages.parseInbound(req);
      assert.equal(result.ok, true);
      assert.deepEqual(result.value, {
        provider: 'vonage-messages',
        messageId: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
        from: '+447700900001',
        to: '+447700900000',
        text: 'hello, from Vonage!',
        keyword: 'HELLO',
        media: [],
        segments: 2,
        channel: 'sms',
        type: 'text',
        timestamp: '2025-02-03T12:14:25.000Z',
        raw: SMS_INBOUND,
      });
      assert.equal(result.value.raw, req.json, 'raw is the JSON exactly as received');
    });

    it('flags STOP / START / HELP messages as opt-out keywords', function () {
      assert.equal(inbound({ ...SMS_INBOUND, text: 'Stop.' }).optOut, 'stop');
      assert.equal(inbound({ ...SMS_INBOUND, text: 'unstop' }).optOut, 'start');
      assert.equal(inbound({ ...SMS_INBOUND, text: 'HELP' }).optOut, 'help');
      assert.equal('optOut' in inbound({ ...SMS_INBOUND, text: 'stop the music' }), false);
    });

    it('gives an MMS image its caption as media caption, not as the text', function () {
      const sms = inbound(MMS_IMAGE);
      assert.equal(sms.channel, 'mms');
      assert.equal(sms.text, '');
      assert.equal(sms.keyword, '');
      assert.deepEqual(sms.media, [{ url: 'https://api.nexmo.com/v3/media/1111', caption: 'Look at this' }]);
      assert.equal(sms.from, '+14155550101');
      assert.equal(sms.segments, 1);
    });

    it('lists every media item of an MMS content[] message, without inventing MIME types', function () {
      const sms = inbound(MMS_CONTENT);
      assert.deepEqual(sms.media, [
        { url: 'https://api.nexmo.com/v3/media/2222' },
        { url: 'https://api.nexmo.com/v3/media/3333', caption: 'clip' },
      ]);
    });

    it('reads audio, video, file and vcard media', function () {
      for (const kind of ['audio', 'video', 'file', 'vcard']) {
        const body = { ...MMS_IMAGE, message_type: kind, image: undefined, [kind]: { url: `https://x.test/${kind}` } };
        assert.deepEqual(inbound(body).media, [{ url: `https://x.test/${kind}` }], kind);
      }
      const file = inbound({ ...MMS_IMAGE, image: undefined, message_type: 'file', file: { url: 'https://x.test/f.pdf', caption: 'invoice' } });
      assert.deepEqual(file.media, [{ url: 'https://x.test/f.pdf', caption: 'invoice' }]);
    });

    it('keeps a WhatsApp channel as sent', function () {
      const sms = inbound(WHATSAPP_TEXT);
      assert.equal(sms.channel, 'whatsapp');
      assert.equal(sms.text, 'Hi there');
      assert.equal(sms.keyword, 'HI');
      assert.equal(sms.from, '+447700900002');
    });

    it('accepts numbers sent as JSON numbers', function () {
      const sms = inbound({ ...SMS_INBOUND, to: 447700900000, from: 447700900001, sms: { num_messages: 3 } });
      assert.equal(sms.to, '+447700900000');
      assert.equal(sms.from, '+447700900001');
      assert.equal(sms.segments, 3);
    });

    it('uses the time of arrival when Vonage sends no usable timestamp', function () {
      assertRecentIso(inbound({ ...SMS_INBOUND, timestamp: undefined }).timestamp);
      assertRecentIso(inbound({ ...SMS_INBOUND, timestamp: 'not a date' }).timestamp);
    });

    it('answers a body that is not a JSON object with the sentence for the 400', function () {
      const error = 'invalid JSON: the Vonage Messages API sends a JSON body';
      const requests = [
        formRequest(URL_IN, { message_uuid: 'x', from: '1', to: '2', text: 'hi' }),
        getRequest(URL_IN, { message_uuid: 'x' }),
        jsonRequest(URL_IN, '[{"message_uuid":"x"}]'),
        jsonRequest(URL_IN, 'null'),
        jsonRequest(URL_IN, '"text"'),
      ];
      for (const req of requests) {
        assert.deepEqual(vonageMessages.parseInbound(req), { ok: false, error });
        assert.deepEqual(vonageMessages.parseStatus(req), { ok: false, error });
      }
    });

    it('names the missing field', function () {
      const without = (key) => vonageMessages.parseInbound(jsonRequest(URL_IN, { ...SMS_INBOUND, [key]: undefined }));
      assert.deepEqual(without('message_uuid'), { ok: false, error: 'missing message_uuid' });
      assert.deepEqual(without('from'), { ok: false, error: 'missing from' });
      assert.deepEqual(without('to'), { ok: false, error: 'missing to' });
      assert.deepEqual(vonageMessages.parseInbound(jsonRequest(URL_IN, { ...SMS_INBOUND, from: '' })), {
        ok: false,
        error: 'missing from',
      });
    });
  });

  describe('parseStatus', function () {
    const table = [
      ['submitted', 'sent', false],
      ['delivered', 'delivered', true],
      ['rejected', 'failed', true],
      ['undeliverable', 'undelivered', true],
      ['read', 'read', true],
      ['accepted', 'unknown', false],
      ['something-new', 'unknown', false],
    ];
    for (const [providerStatus, state, final] of table) {
      it(`maps "${providerStatus}" to ${state} (final: ${final})`, function () {
        const event = parsedStatus(status(providerStatus));
        assert.equal(event.state, state);
        assert.equal(event.final, final);
        assert.equal(event.providerStatus, providerStatus);
      });
    }

    it('normalizes a delivered receipt with price, segments and client reference', function () {
      const body = status('delivered', {
        usage: { currency: 'EUR', price: '0.0333' },
        sms: { count_total: '2' },
        client_ref: 'order-42',
        destination: { network_code: '23410' },
      });
      const req = jsonRequest(URL_STATUS, body);
      const result = vonageMessages.parseStatus(req);
      assert.deepEqual(result, {
        ok: true,
        value: {
          provider: 'vonage-messages',
          messageId: 'eeeeeeee-bbbb-4ccc-8ddd-0123456789ab',
          state: 'delivered',
          final: true,
          providerStatus: 'delivered',
          to: '+447700900001',
          from: '+447700900000',
          timestamp: '2025-02-03T12:20:00.000Z',
          price: 0.0333,
          currency: 'EUR',
          segments: 2,
          clientRef: 'order-42',
          channel: 'sms',
          raw: body,
        },
      });
      assert.equal(result.value.raw, req.json);
    });

    it('gives the error code from error.title and the sentence from error.detail', function () {
      const event = parsedStatus(
        status('rejected', {
          error: {
            type: 'https://developer.vonage.com/api-errors/messages#1320',
            title: '1320',
            detail: 'Message failed because the number is not reachable',
            instance: 'bf0ca0bf927b3b52e3cb03217e1a1ddf',
          },
        }),
      );
      assert.equal(event.errorCode, '1320');
      assert.equal(event.errorMessage, 'Message failed because the number is not reachable');
    });

    it('accepts a numeric error title and falls back to it when there is no detail', function () {
      const event = parsedStatus(status('undeliverable', { error: { title: 1330 } }));
      assert.equal(event.errorCode, '1330');
      assert.equal(event.errorMessage, '1330');
    });

    it('says to send a template when WhatsApp refused a message outside the 24-hour window (1340)', function () {
      const event = parsedStatus(status('rejected', { channel: 'whatsapp', error: { title: 1340, detail: 'Outside of the allowed window' } }));
      assert.equal(event.errorCode, '1340');
      assert.match(event.errorMessage, /24 hours .*template/);
    });

    it('leaves out price, error and segments that Vonage did not send (no NaN, no undefined keys)', function () {
      const event = parsedStatus(status('submitted', { usage: { currency: 'EUR' } }));
      for (const key of ['price', 'errorCode', 'errorMessage', 'segments', 'clientRef']) {
        assert.equal(key in event, false, key);
      }
      assert.equal(event.currency, 'EUR');
      assert.equal(parsedStatus(status('delivered', { usage: { price: 0.0057 } })).price, 0.0057);
    });

    it('keeps an alphanumeric sender as sent', function () {
      assert.equal(parsedStatus(status('delivered', { from: 'MyBrand' })).from, 'MyBrand');
    });

    it('uses the time of arrival when there is no timestamp', function () {
      assertRecentIso(parsedStatus(status('delivered', { timestamp: undefined })).timestamp);
    });

    it('names the missing field', function () {
      const parse = (body) => vonageMessages.parseStatus(jsonRequest(URL_STATUS, body));
      assert.deepEqual(parse(status('delivered', { message_uuid: undefined })), { ok: false, error: 'missing message_uuid' });
      assert.deepEqual(parse(status(undefined)), { ok: false, error: 'missing status' });
      assert.deepEqual(parse(status('')), { ok: false, error: 'missing status' });
    });
  });

  describe('recognizes (provider: auto)', function () {
    const recognizes = (req) => [vonageMessages.recognizes(req, 'inbound'), vonageMessages.recognizes(req, 'status')];

    it('claims Messages API inbound messages as inbound only', function () {
      for (const body of [SMS_INBOUND, MMS_IMAGE, MMS_CONTENT, WHATSAPP_TEXT]) {
        assert.deepEqual(recognizes(jsonRequest(URL_IN, body)), [true, false], body.message_uuid);
      }
    });

    it('claims Messages API status webhooks as status only', function () {
      assert.deepEqual(recognizes(jsonRequest(URL_STATUS, status('delivered'))), [false, true]);
      assert.deepEqual(recognizes(jsonRequest(URL_STATUS, { ...status('read'), message_type: 'text' })), [false, true]);
    });

    it('leaves Twilio requests to the Twilio provider', function () {
      const twilio = {
        MessageSid: 'SM1234567890abcdef1234567890abcdef',
        AccountSid: 'AC1234567890abcdef1234567890abcdef',
        From: '+14155550101',
        To: '+14155550100',
        Body: 'hello',
        NumMedia: '0',
      };
      assert.deepEqual(recognizes(formRequest(URL_IN, twilio)), [false, false]);
      assert.deepEqual(recognizes(formRequest(URL_STATUS, { ...twilio, MessageStatus: 'delivered' })), [false, false]);
    });

    it('leaves Vonage SMS API requests to the Vonage SMS provider', function () {
      const sms = {
        msisdn: '447700900001',
        to: '447700900000',
        messageId: '0A0000000123ABCD1',
        text: 'Hello',
        type: 'text',
        keyword: 'HELLO',
        'api-key': 'abcd1234',
        'message-timestamp': '2025-02-03 12:14:25',
      };
      assert.deepEqual(recognizes(jsonRequest(URL_IN, sms)), [false, false]);
      assert.deepEqual(recognizes(getRequest(URL_IN, sms)), [false, false]);
      const dlr = { msisdn: '447700900001', to: 'MyBrand', messageId: '0A0000000123ABCD1', status: 'delivered', 'err-code': '0' };
      assert.deepEqual(recognizes(jsonRequest(URL_STATUS, dlr)), [false, false]);
    });

    it('returns false, without throwing, for junk', function () {
      const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const junk = [
        jsonRequest(URL_IN, 'null'),
        jsonRequest(URL_IN, '[1,2,3]'),
        jsonRequest(URL_IN, `[${JSON.stringify(SMS_INBOUND)}]`),
        jsonRequest(URL_IN, '"message_uuid"'),
        jsonRequest(URL_IN, '42'),
        jsonRequest(URL_IN, deep),
        jsonRequest(URL_IN, { message_uuid: null, channel: 'sms', text: 'x' }),
        jsonRequest(URL_IN, { message_uuid: 'x', text: 'no channel' }),
        getRequest(URL_IN, {}),
        { ...getRequest(URL_IN, {}), json: 'a string' },
      ];
      for (const req of junk) assert.deepEqual(recognizes(req), [false, false]);
    });
  });
});
