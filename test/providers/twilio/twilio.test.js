'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const twilioSdk = require('twilio');
const { twilio } = require('../../../dist/providers/twilio');
const { formRequest, jsonRequest, getRequest } = require('../../support/webhook-request');

const URL_ = 'https://example.app/sms/inbound';
const TOKEN = '0123456789abcdef0123456789abcdef';
const ACCOUNT = 'AC' + 'a'.repeat(32);
const BAD_SIGNATURE =
  'signature does not match (check the Auth Token, Twilio console home page (console.twilio.com), box Account Info: Account SID and Auth Token, and that the URL Twilio calls is exactly the one configured, including https and any proxy)';

/** The fields with an `undefined` override removed, as if Twilio had not sent them. */
function present(params) {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

/** An inbound SMS webhook as Twilio posts it (field set from a real request). */
function inboundSms(overrides) {
  return present({
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: 'SM1b2c3d4e5f60718293a4b5c6d7e8f901',
    NumMedia: '0',
    ToCity: 'SAN FRANCISCO',
    FromZip: '94105',
    SmsSid: 'SM1b2c3d4e5f60718293a4b5c6d7e8f901',
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: 'Hello there',
    FromCountry: 'US',
    To: '+14155550100',
    MessagingServiceSid: 'MG' + 'b'.repeat(32),
    ToZip: '94105',
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: 'SM1b2c3d4e5f60718293a4b5c6d7e8f901',
    AccountSid: ACCOUNT,
    From: '+14155550199',
    ApiVersion: '2010-04-01',
    ...overrides,
  });
}

/** A status callback as Twilio posts it. */
function statusCallback(status, overrides) {
  return {
    SmsSid: 'SM9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    SmsStatus: status,
    MessageStatus: status,
    To: '+14155550199',
    MessagingServiceSid: 'MG' + 'b'.repeat(32),
    MessageSid: 'SM9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    AccountSid: ACCOUNT,
    From: '+14155550100',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

function parsed(result) {
  assert.equal(result.ok, true, `expected a parse, got: ${result.error}`);
  return result.value;
}

function assertRecentIso(ts) {
  assert.match(ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.ok(Math.abs(Date.parse(ts) - Date.now()) < 5000, `${ts} is not now`);
}

describe('twilio provider', function () {
  it('has the provider id used in msg.sms.provider', function () {
    assert.equal(twilio.id, 'twilio');
  });

  describe('verify', function () {
    const vectorUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const vectorParams = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    const vectorSig = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

    it('accepts the SPEC §4 test vector', function () {
      const req = formRequest(vectorUrl, vectorParams, { 'X-Twilio-Signature': vectorSig });
      assert.deepEqual(twilio.verify(req, { authToken: '12345' }), { checked: true, ok: true });
    });

    it('rejects the vector when one character of a parameter changes', function () {
      const req = formRequest(vectorUrl, { ...vectorParams, Digits: '1235' }, { 'X-Twilio-Signature': vectorSig });
      // The URL it was checked against is named, for the node's warning.
      assert.deepEqual(twilio.verify(req, { authToken: '12345' }), { checked: true, ok: false, reason: BAD_SIGNATURE, signedUrl: vectorUrl });
    });

    it('rejects the vector when a parameter is added (Twilio signs every field)', function () {
      const req = formRequest(vectorUrl, { ...vectorParams, Extra: 'x' }, { 'X-Twilio-Signature': vectorSig });
      assert.equal(twilio.verify(req, { authToken: '12345' }).ok, false);
    });

    it('rejects the vector when one character of the URL changes', function () {
      const req = formRequest(vectorUrl.replace('foo=1', 'foo=2'), vectorParams, { 'X-Twilio-Signature': vectorSig });
      assert.deepEqual(twilio.verify(req, { authToken: '12345' }), { checked: true, ok: false, reason: BAD_SIGNATURE, signedUrl: vectorUrl.replace('foo=1', 'foo=2') });
    });

    it('rejects the vector when the URL is http instead of https (proxy misconfiguration)', function () {
      const req = formRequest(vectorUrl.replace('https:', 'http:'), vectorParams, { 'X-Twilio-Signature': vectorSig });
      assert.equal(twilio.verify(req, { authToken: '12345' }).ok, false);
    });

    it('rejects the vector when one character of the token changes', function () {
      const req = formRequest(vectorUrl, vectorParams, { 'X-Twilio-Signature': vectorSig });
      assert.deepEqual(twilio.verify(req, { authToken: '12346' }), { checked: true, ok: false, reason: BAD_SIGNATURE, signedUrl: vectorUrl });
    });

    it('checks nothing when the account has no auth token', function () {
      const req = formRequest(URL_, inboundSms(), {});
      assert.deepEqual(twilio.verify(req, {}), { checked: false, ok: true });
      assert.deepEqual(twilio.verify(req, { authToken: '' }), { checked: false, ok: true });
    });

    it('rejects an unsigned request when a token is configured, saying the header is missing', function () {
      const req = formRequest(URL_, inboundSms(), {});
      assert.deepEqual(twilio.verify(req, { authToken: TOKEN }), {
        checked: true,
        ok: false,
        unsigned: true,
        reason: 'missing X-Twilio-Signature header',
        signedUrl: URL_,
      });
    });

    it('accepts an inbound POST signed by the twilio SDK, and rejects it with a forged Body', function () {
      const params = inboundSms();
      const sig = twilioSdk.getExpectedTwilioSignature(TOKEN, URL_, params);
      const good = formRequest(URL_, params, { 'X-Twilio-Signature': sig });
      assert.deepEqual(twilio.verify(good, { authToken: TOKEN }), { checked: true, ok: true });
      const forged = formRequest(URL_, { ...params, Body: 'Hello therE' }, { 'X-Twilio-Signature': sig });
      assert.equal(twilio.verify(forged, { authToken: TOKEN }).ok, false);
    });

    it('accepts an SDK-signed POST whose URL carries its own query string', function () {
      const url = `${URL_}?tenant=42&lang=en`;
      const params = inboundSms();
      const sig = twilioSdk.getExpectedTwilioSignature(TOKEN, url, params);
      assert.equal(twilio.verify(formRequest(url, params, { 'X-Twilio-Signature': sig }), { authToken: TOKEN }).ok, true);
    });

    it('accepts a request signed with the explicit :443 port (as Twilio sometimes signs)', function () {
      const params = inboundSms();
      const sig = twilioSdk.getExpectedTwilioSignature(TOKEN, 'https://example.app:443/sms/inbound', params);
      assert.equal(twilio.verify(formRequest(URL_, params, { 'X-Twilio-Signature': sig }), { authToken: TOKEN }).ok, true);
    });

    it('accepts a GET webhook signed by the SDK (params are in the signed URL)', function () {
      const req = getRequest(URL_, inboundSms());
      req.headers['x-twilio-signature'] = twilioSdk.getExpectedTwilioSignature(TOKEN, req.url, {});
      assert.deepEqual(twilio.verify(req, { authToken: TOKEN }), { checked: true, ok: true });
      const tampered = getRequest(URL_, inboundSms({ Body: 'Hello therE' }));
      tampered.headers['x-twilio-signature'] = req.headers['x-twilio-signature'];
      assert.equal(twilio.verify(tampered, { authToken: TOKEN }).ok, false);
    });

    it('accepts a JSON body signed through bodySHA256, and rejects the same signature over another body', function () {
      const body = JSON.stringify({ MessageSid: 'SM' + 'c'.repeat(32), Body: 'héllo ✓' });
      const url = `${URL_}?bodySHA256=${twilioSdk.getExpectedBodyHash(body)}`;
      const sig = twilioSdk.getExpectedTwilioSignature(TOKEN, url, {});
      const good = jsonRequest(url, body, { 'X-Twilio-Signature': sig });
      assert.deepEqual(twilio.verify(good, { authToken: TOKEN }), { checked: true, ok: true });
      const swapped = jsonRequest(url, body.replace('héllo', 'hello'), { 'X-Twilio-Signature': sig });
      assert.deepEqual(twilio.verify(swapped, { authToken: TOKEN }), { checked: true, ok: false, reason: BAD_SIGNATURE, signedUrl: swapped.url });
    });

    it('takes the first value when the signature header arrives twice', function () {
      const params = inboundSms();
      const sig = twilioSdk.getExpectedTwilioSignature(TOKEN, URL_, params);
      const req = formRequest(URL_, params, {});
      req.headers['x-twilio-signature'] = [sig, 'junk'];
      assert.equal(twilio.verify(req, { authToken: TOKEN }).ok, true);
    });

    it('never throws on a malformed request: it fails verification with a reason', function () {
      const weird = [
        { method: 'POST', url: 'not a url', headers: { 'x-twilio-signature': 'abc' }, form: {}, query: {} },
        { method: 'POST', url: `${URL_}?bodySHA256=00`, headers: { 'x-twilio-signature': 'abc' } },
        { headers: { 'x-twilio-signature': 'abc' } },
        { url: URL_ },
      ];
      for (const req of weird) {
        const result = twilio.verify(req, { authToken: TOKEN });
        assert.equal(result.checked, true);
        assert.equal(result.ok, false);
        assert.equal(typeof result.reason, 'string');
        assert.ok(result.reason.length > 10);
      }
    });

    it('does not load the twilio SDK until a request has to be verified (Node-RED start-up time)', function () {
      const modulePath = path.join(__dirname, '../../../dist/providers/twilio/index.js');
      const script = `
        const sdkLoaded = () => Object.keys(require.cache).some((k) => /node_modules[\\\\/]twilio[\\\\/]/.test(k));
        const { twilio } = require(${JSON.stringify(modulePath)});
        const before = sdkLoaded();
        twilio.verify({ method: 'POST', url: 'https://x.example/a', headers: {}, form: {}, query: {} }, {});
        const afterUnsigned = sdkLoaded();
        twilio.verify({ method: 'POST', url: 'https://x.example/a', headers: { 'x-twilio-signature': 'x' }, form: {}, query: {} }, { authToken: 't' });
        console.log(JSON.stringify([before, afterUnsigned, sdkLoaded()]));`;
      const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.deepEqual(JSON.parse(out), [false, false, true]);
    });
  });

  describe('parseInbound', function () {
    it('normalizes a plain SMS', function () {
      const params = inboundSms();
      const req = formRequest(URL_, params);
      const sms = parsed(twilio.parseInbound(req));
      assert.equal(sms.provider, 'twilio');
      assert.equal(sms.messageId, 'SM1b2c3d4e5f60718293a4b5c6d7e8f901');
      assert.equal(sms.from, '+14155550199');
      assert.equal(sms.to, '+14155550100');
      assert.equal(sms.text, 'Hello there');
      assert.equal(sms.keyword, 'HELLO');
      assert.equal('optOut' in sms, false);
      assert.deepEqual(sms.media, []);
      assert.equal(sms.segments, 1);
      assert.equal(sms.channel, 'sms');
      assertRecentIso(sms.timestamp);
      assert.equal(sms.raw, req.form, 'raw is the params object as received');
      assert.deepEqual(sms.raw, params);
    });

    it('reads a GET webhook from the query string', function () {
      const sms = parsed(twilio.parseInbound(getRequest(URL_, inboundSms({ Body: 'Pizza tonight?' }))));
      assert.equal(sms.text, 'Pizza tonight?');
      assert.equal(sms.keyword, 'PIZZA');
      assert.equal(sms.from, '+14155550199');
    });

    it('lists MMS media in order with their content types', function () {
      const sms = parsed(
        twilio.parseInbound(
          formRequest(
            URL_,
            inboundSms({
              Body: '',
              NumMedia: '2',
              MediaContentType1: 'video/mp4',
              MediaUrl1: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/MM1/Media/ME2`,
              MediaContentType0: 'image/jpeg',
              MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/MM1/Media/ME1`,
            }),
          ),
        ),
      );
      assert.deepEqual(sms.media, [
        { url: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/MM1/Media/ME1`, contentType: 'image/jpeg' },
        { url: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/MM1/Media/ME2`, contentType: 'video/mp4' },
      ]);
      assert.equal(sms.channel, 'mms');
      assert.equal(sms.text, '');
      assert.equal(sms.keyword, '');
    });

    it('is not fooled by a huge NumMedia', function () {
      const started = Date.now();
      const sms = parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ NumMedia: '999999999' }))));
      assert.deepEqual(sms.media, []);
      assert.ok(Date.now() - started < 200);
    });

    it('removes the whatsapp: prefix from From and To, reports the whatsapp channel and the profile name', function () {
      const sms = parsed(
        twilio.parseInbound(
          formRequest(URL_, inboundSms({ From: 'whatsapp:+447700900001', To: 'whatsapp:+14155238886', ProfileName: 'Ann' })),
        ),
      );
      assert.equal(sms.from, '+447700900001');
      assert.equal(sms.to, '+14155238886');
      assert.equal(sms.channel, 'whatsapp');
      assert.deepEqual(sms.profile, { name: 'Ann' });
    });

    it('keeps a short code or sender name as sent', function () {
      const sms = parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ From: '72345', To: 'MyShop' }))));
      assert.equal(sms.from, '72345');
      assert.equal(sms.to, 'MyShop');
    });

    it('takes the first value of a repeated parameter', function () {
      const req = formRequest(URL_, inboundSms({ Body: ['first text', 'second text'], From: ['+14155550199', '+1999'] }));
      const sms = parsed(twilio.parseInbound(req));
      assert.equal(sms.text, 'first text');
      assert.equal(sms.from, '+14155550199');
      assert.deepEqual(sms.raw.Body, ['first text', 'second text']);
    });

    it('reports segments of a long message', function () {
      assert.equal(parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ NumSegments: '3' })))).segments, 3);
      assert.equal(parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ NumSegments: undefined })))).segments, 1);
    });

    it("uses Twilio's OptOutType for opt-out, lower-cased", function () {
      const cases = [
        [{ Body: 'stop', OptOutType: 'STOP' }, 'stop'],
        // A custom opt-out keyword configured in Twilio Advanced Opt-Out.
        [{ Body: 'ARRET', OptOutType: 'STOP' }, 'stop'],
        [{ Body: 'yes', OptOutType: 'START' }, 'start'],
        [{ Body: 'info', OptOutType: 'HELP' }, 'help'],
      ];
      for (const [fields, expected] of cases) {
        assert.equal(parsed(twilio.parseInbound(formRequest(URL_, inboundSms(fields)))).optOut, expected, fields.Body);
      }
    });

    it('recognizes standard keywords itself when OptOutType is absent', function () {
      assert.equal(parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ Body: ' Stop! ' })))).optOut, 'stop');
      assert.equal(parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ Body: 'HELP' })))).optOut, 'help');
      const chat = parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ Body: 'Stop sending me pizza offers' }))));
      assert.equal('optOut' in chat, false);
      assert.equal(chat.keyword, 'STOP');
    });

    it('gives "" for a message without Body', function () {
      const sms = parsed(twilio.parseInbound(formRequest(URL_, inboundSms({ Body: undefined }))));
      assert.equal(sms.text, '');
      assert.equal(sms.keyword, '');
    });

    it('accepts the legacy SmsSid when MessageSid is absent', function () {
      const params = inboundSms({ SmsMessageSid: undefined, MessageSid: undefined });
      assert.equal(parsed(twilio.parseInbound(formRequest(URL_, params))).messageId, 'SM1b2c3d4e5f60718293a4b5c6d7e8f901');
    });

    it('answers missing fields with the plain sentences used as the 400 body', function () {
      const without = (...names) => {
        const p = inboundSms();
        for (const n of names) delete p[n];
        return formRequest(URL_, p);
      };
      assert.deepEqual(twilio.parseInbound(without('MessageSid', 'SmsMessageSid', 'SmsSid')), {
        ok: false,
        error: 'missing MessageSid',
      });
      assert.deepEqual(twilio.parseInbound(without('From')), { ok: false, error: 'missing From' });
      assert.deepEqual(twilio.parseInbound(without('To')), { ok: false, error: 'missing To' });
      assert.deepEqual(twilio.parseInbound(formRequest(URL_, inboundSms({ From: '' }))), {
        ok: false,
        error: 'missing From',
      });
    });

    it('does not read a POST body from the URL query string', function () {
      const req = formRequest(`${URL_}?From=%2B15550001111`, { MessageSid: 'SM1', To: '+14155550100' });
      assert.deepEqual(twilio.parseInbound(req), { ok: false, error: 'missing From' });
    });
  });

  describe('parseStatus', function () {
    const table = [
      ['accepted', 'accepted', false],
      ['scheduled', 'queued', false],
      ['queued', 'queued', false],
      ['sending', 'sending', false],
      ['sent', 'sent', false],
      ['delivered', 'delivered', true],
      ['undelivered', 'undelivered', true],
      ['failed', 'failed', true],
      ['read', 'read', true],
      ['canceled', 'failed', true],
      ['partially_delivered', 'undelivered', true],
    ];
    for (const [providerStatus, state, final] of table) {
      it(`maps MessageStatus ${providerStatus} to ${state}${final ? ' (final)' : ''}`, function () {
        const event = parsed(twilio.parseStatus(formRequest(URL_, statusCallback(providerStatus))));
        assert.equal(event.state, state);
        assert.equal(event.final, final);
        assert.equal(event.providerStatus, providerStatus);
      });
    }

    it('maps a status it does not know to unknown, keeping what Twilio sent', function () {
      const event = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('receiving'))));
      assert.equal(event.state, 'unknown');
      assert.equal(event.final, false);
      assert.equal(event.providerStatus, 'receiving');
    });

    it('normalizes a delivered callback', function () {
      const params = statusCallback('delivered', { RawDlrDoneDate: '2501311245', NumSegments: '2' });
      const req = formRequest(URL_, params);
      const event = parsed(twilio.parseStatus(req));
      assert.equal(event.provider, 'twilio');
      assert.equal(event.messageId, 'SM9f8e7d6c5b4a39281706f5e4d3c2b1a0');
      assert.equal(event.to, '+14155550199');
      assert.equal(event.from, '+14155550100');
      // RawDlrDoneDate is the carrier's local time with no zone: kept in raw, never shown as UTC.
      assertRecentIso(event.timestamp);
      assert.equal(event.raw.RawDlrDoneDate, '2501311245');
      assert.equal(event.segments, 2);
      assert.equal('errorCode' in event, false);
      assert.equal('errorMessage' in event, false);
      assert.equal(event.raw, req.form);
    });

    it('uses the time of receipt when Twilio sends no RawDlrDoneDate', function () {
      const event = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('sent'))));
      assertRecentIso(event.timestamp);
      assert.equal('segments' in event, false);
    });

    it('omits ErrorCode 0', function () {
      const event = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('delivered', { ErrorCode: '0' }))));
      assert.equal('errorCode' in event, false);
      assert.equal('errorMessage' in event, false);
    });

    it('explains an opted-out recipient (21610)', function () {
      const event = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('failed', { ErrorCode: '21610' }))));
      assert.equal(event.errorCode, '21610');
      assert.equal(
        event.errorMessage,
        'The recipient replied STOP: Twilio blocks messages to this number until they reply START.',
      );
    });

    it('explains the common delivery errors in words, not just a number', function () {
      const codes = ['21610', '21611', '21614', '30034'];
      for (let c = 30001; c <= 30010; c++) codes.push(String(c));
      const messages = new Set();
      for (const code of codes) {
        const event = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('undelivered', { ErrorCode: code }))));
        assert.equal(event.errorCode, code);
        assert.doesNotMatch(event.errorMessage, /error dictionary/, code);
        assert.match(event.errorMessage, /^[A-Z'].{20,}\.$/, code);
        messages.add(event.errorMessage);
      }
      assert.equal(messages.size, codes.length, 'every code has its own explanation');
      const spam = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('undelivered', { ErrorCode: '30007' }))));
      assert.match(spam.errorMessage, /spam/);
      const unregistered = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('failed', { ErrorCode: '30034' }))));
      assert.match(unregistered.errorMessage, /10DLC/);
    });

    it('points to the Twilio error dictionary for other codes', function () {
      const event = parsed(twilio.parseStatus(formRequest(URL_, statusCallback('failed', { ErrorCode: '12345' }))));
      assert.equal(event.errorCode, '12345');
      assert.equal(event.errorMessage, 'Twilio error 12345 (see the Twilio error dictionary)');
    });

    it('reads a GET status callback from the query string', function () {
      const event = parsed(twilio.parseStatus(getRequest(URL_, statusCallback('delivered'))));
      assert.equal(event.state, 'delivered');
    });

    it('answers missing fields with the plain sentences used as the 400 body', function () {
      const noSid = statusCallback('sent');
      delete noSid.MessageSid;
      delete noSid.SmsSid;
      assert.deepEqual(twilio.parseStatus(formRequest(URL_, noSid)), { ok: false, error: 'missing MessageSid' });
      const noStatus = statusCallback('sent');
      delete noStatus.MessageStatus;
      delete noStatus.SmsStatus;
      assert.deepEqual(twilio.parseStatus(formRequest(URL_, noStatus)), { ok: false, error: 'missing MessageStatus' });
      // An inbound message posted to the status endpoint is not a delivery event.
      assert.deepEqual(twilio.parseStatus(formRequest(URL_, inboundSms())), { ok: false, error: 'missing MessageStatus' });
    });
  });

  describe('recognizes', function () {
    const vonageSms = getRequest('https://example.app/sms/inbound', {
      msisdn: '447700900001',
      to: '447700900000',
      messageId: '0A0000000123ABCD1',
      text: 'Hello',
      type: 'text',
      keyword: 'HELLO',
      'api-key': 'abcd1234',
      'message-timestamp': '2025-01-31 12:45:00',
    });
    const vonageSmsPost = formRequest('https://example.app/sms/inbound', {
      msisdn: '447700900001',
      to: '447700900000',
      messageId: '0A0000000123ABCD1',
      text: 'Hello',
      type: 'text',
    });
    const vonageDlr = formRequest('https://example.app/sms/status', {
      msisdn: '447700900001',
      to: 'MyShop',
      'network-code': '23410',
      messageId: '0A0000000123ABCD1',
      price: '0.03330000',
      status: 'delivered',
      scts: '2501311245',
      'err-code': '0',
      'message-timestamp': '2025-01-31 12:45:00',
    });
    const vonageMessages = jsonRequest('https://example.app/sms/inbound', {
      channel: 'sms',
      message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      to: '447700900000',
      from: '447700900001',
      timestamp: '2025-01-31T12:45:00Z',
      text: 'Hello',
      message_type: 'text',
      sms: { num_messages: '1' },
    });

    it('claims a Twilio inbound SMS as inbound, not status', function () {
      assert.equal(twilio.recognizes(formRequest(URL_, inboundSms()), 'inbound'), true);
      assert.equal(twilio.recognizes(getRequest(URL_, inboundSms()), 'inbound'), true);
      assert.equal(twilio.recognizes(formRequest(URL_, inboundSms()), 'status'), false);
    });

    it('claims a minimal inbound (sid and From, no AccountSid)', function () {
      const req = formRequest(URL_, { MessageSid: 'SM1', From: '+14155550199', To: '+14155550100', Body: 'hi' });
      assert.equal(twilio.recognizes(req, 'inbound'), true);
    });

    it('claims a Twilio status callback as status, not inbound', function () {
      assert.equal(twilio.recognizes(formRequest(URL_, statusCallback('delivered')), 'status'), true);
      assert.equal(twilio.recognizes(getRequest(URL_, statusCallback('sent')), 'status'), true);
      assert.equal(twilio.recognizes(formRequest(URL_, statusCallback('delivered')), 'inbound'), false);
      const legacy = formRequest(URL_, { SmsSid: 'SM1', SmsStatus: 'sent', To: '+14155550199' });
      assert.equal(twilio.recognizes(legacy, 'status'), true);
    });

    it('claims a request with a Twilio AccountSid so the user gets the precise error', function () {
      const req = formRequest(URL_, { AccountSid: ACCOUNT, MessageSid: 'SM1', To: '+14155550100', Body: 'hi' });
      assert.equal(twilio.recognizes(req, 'inbound'), true);
      assert.deepEqual(twilio.parseInbound(req), { ok: false, error: 'missing From' });
    });

    it('leaves Vonage requests alone', function () {
      for (const req of [vonageSms, vonageSmsPost, vonageDlr, vonageMessages]) {
        assert.equal(twilio.recognizes(req, 'inbound'), false);
        assert.equal(twilio.recognizes(req, 'status'), false);
      }
    });

    it('does not claim a POST whose Twilio-looking fields are only in the URL query', function () {
      const req = formRequest(`${URL_}?MessageSid=SM1&From=%2B14155550199`, { text: 'hi' });
      assert.equal(twilio.recognizes(req, 'inbound'), false);
    });

    it('never throws, whatever it is given', function () {
      const junk = [
        {},
        { method: 'POST' },
        { method: 'POST', form: null, query: null },
        { method: 'GET', query: 'MessageSid=SM1' },
        { method: 'POST', form: ['MessageSid'] },
        { method: 42, form: { MessageSid: [] } },
        { method: 'POST', form: { MessageSid: {}, From: 7 } },
        jsonRequest(URL_, [1, 2, 3]),
        jsonRequest(URL_, 'null'),
      ];
      for (const req of junk) {
        assert.equal(twilio.recognizes(req, 'inbound'), false, JSON.stringify(req));
        assert.equal(twilio.recognizes(req, 'status'), false, JSON.stringify(req));
      }
      assert.equal(twilio.recognizes(null, 'inbound'), false);
      assert.equal(twilio.recognizes(undefined, 'status'), false);
    });
  });
});
