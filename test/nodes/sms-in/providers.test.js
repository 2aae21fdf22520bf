'use strict';
// Each provider's inbound webhook over real HTTP, through `provider: auto` and the fixed
// provider: what the flow receives (SPEC §3) and what the provider is answered.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');

const uid = () => crypto.randomUUID();
const twilioSid = () => `SM${crypto.randomBytes(16).toString('hex')}`;
const vonageId = () => crypto.randomBytes(8).toString('hex').toUpperCase();

const PATHS = {
  auto: '/pv/auto',
  twilio: '/pv/twilio',
  'vonage-sms': '/pv/vonage-sms',
  'vonage-messages': '/pv/vonage-messages',
  account: '/pv/account',
};

const flow = [
  { id: 'pv-acct', type: 'sms account', provider: 'vonage', name: 'no secret' },
  { id: 'pv-auto', type: 'sms in', provider: 'auto', path: PATHS.auto, wires: [['pv-out']] },
  { id: 'pv-twilio', type: 'sms in', provider: 'twilio', path: PATHS.twilio, wires: [['pv-out']] },
  { id: 'pv-vsms', type: 'sms in', provider: 'vonage-sms', path: PATHS['vonage-sms'], wires: [['pv-out']] },
  { id: 'pv-vmsg', type: 'sms in', provider: 'vonage-messages', path: PATHS['vonage-messages'], wires: [['pv-out']] },
  { id: 'pv-withacct', type: 'sms in', account: 'pv-acct', provider: 'auto', path: PATHS.account, wires: [['pv-out']] },
  { id: 'pv-out', type: 'helper' },
];

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function twilioParams(overrides = {}) {
  return {
    MessageSid: twilioSid(),
    SmsSid: 'ignored-when-MessageSid-is-there',
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: '+14155550100',
    To: '+14155550199',
    Body: 'Stop!',
    NumMedia: '1',
    NumSegments: '2',
    MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
    MediaContentType0: 'image/jpeg',
    FromCity: 'SAN FRANCISCO',
    ...overrides,
  };
}

function vonageSmsParams(overrides = {}) {
  return {
    msisdn: '447700900001',
    to: '447700900002',
    messageId: vonageId(),
    text: 'Hello there, any news?',
    type: 'text',
    keyword: 'HELLO',
    'api-key': 'abcd1234',
    'message-timestamp': '2024-05-01 10:11:12',
    ...overrides,
  };
}

function messagesBody(overrides = {}) {
  return {
    channel: 'sms',
    message_uuid: uid(),
    to: '447700900002',
    from: '447700900001',
    timestamp: '2024-05-01T10:11:12Z',
    text: 'START',
    message_type: 'text',
    sms: { num_messages: '2', keyword: 'START' },
    usage: { currency: 'EUR', price: '0.0057' },
    ...overrides,
  };
}

function withQuery(url, params) {
  return `${url}?${new URLSearchParams(params)}`;
}

describe('sms in — every provider over HTTP', function () {
  let url;
  let out;
  before(async () => {
    ({ url } = await rt.load(flow, {}));
    out = rt.collector('pv-out');
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

  function assertLive(msg) {
    assert.ok(msg.req && msg.req.headers, 'msg.req is the live request');
    assert.ok(msg.res && typeof msg.res._res.status === 'function', 'msg.res._res is the live response');
  }

  describe('Twilio', function () {
    function assertTwilio(msg, params) {
      assert.equal(msg.payload, 'Stop!');
      assert.equal(msg.topic, '+14155550100');
      assert.equal(msg.sms.provider, 'twilio');
      assert.equal(msg.sms.messageId, params.MessageSid);
      assert.equal(msg.sms.from, '+14155550100');
      assert.equal(msg.sms.to, '+14155550199');
      assert.equal(msg.sms.text, 'Stop!');
      assert.equal(msg.sms.keyword, 'STOP');
      assert.equal(msg.sms.optOut, 'stop');
      assert.deepEqual(msg.sms.media, [{ url: params.MediaUrl0, contentType: 'image/jpeg' }]);
      assert.equal(msg.sms.segments, 2);
      assert.equal(msg.sms.channel, 'mms');
      assert.match(msg.sms.timestamp, ISO);
      assert.deepEqual(msg.sms.raw, params);
      assert.equal('account' in msg.sms, false, 'no account, no account id');
      assert.equal('concat' in msg.sms, false);
      assertLive(msg);
    }

    for (const path of [PATHS.auto, PATHS.twilio]) {
      const setting = path === PATHS.auto ? 'auto' : 'twilio';

      it(`POST form → one normalized message, answered with empty TwiML (${setting})`, async function () {
        const params = twilioParams();
        const res = await rt.postForm(url(path), params);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^text\/xml/);
        assert.match(res.text, /<Response\/>/);
        assertTwilio(await out.next(), params);
        await nothingEmitted();
      });

      it(`GET with the fields in the query → the same message (${setting})`, async function () {
        const params = twilioParams();
        const res = await rt.send(withQuery(url(path), params), { method: 'GET' });
        assert.equal(res.status, 200);
        assert.match(res.text, /<Response\/>/);
        assertTwilio(await out.next(), params);
      });
    }

    it('plain SMS: no media → [] and channel sms; no opt-out word → no optOut', async function () {
      const params = twilioParams({ Body: 'Hours please', NumMedia: '0', NumSegments: '1' });
      delete params.MediaUrl0;
      delete params.MediaContentType0;
      await rt.postForm(url(PATHS.auto), params);
      const msg = await out.next();
      assert.deepEqual(msg.sms.media, []);
      assert.equal(msg.sms.channel, 'sms');
      assert.equal(msg.sms.segments, 1);
      assert.equal(msg.sms.keyword, 'HOURS');
      assert.equal('optOut' in msg.sms, false);
    });
  });

  describe('Vonage SMS API', function () {
    function assertVonageSms(msg, params) {
      assert.equal(msg.payload, 'Hello there, any news?');
      assert.equal(msg.topic, '+447700900001');
      assert.equal(msg.sms.provider, 'vonage-sms');
      assert.equal(msg.sms.messageId, params.messageId);
      assert.equal(msg.sms.from, '+447700900001', 'E.164 with the + Vonage leaves out');
      assert.equal(msg.sms.to, '+447700900002');
      assert.equal(msg.sms.text, 'Hello there, any news?');
      assert.equal(msg.sms.keyword, 'HELLO');
      assert.equal('optOut' in msg.sms, false);
      assert.deepEqual(msg.sms.media, []);
      assert.equal(msg.sms.segments, 1);
      assert.equal(msg.sms.channel, 'sms');
      assert.equal(msg.sms.timestamp, '2024-05-01T10:11:12.000Z');
      assert.deepEqual(msg.sms.raw, params);
      assertLive(msg);
    }

    for (const path of [PATHS.auto, PATHS['vonage-sms']]) {
      const setting = path === PATHS.auto ? 'auto' : 'vonage-sms';

      it(`GET query → 200 and one message (${setting})`, async function () {
        const params = vonageSmsParams();
        const res = await rt.send(withQuery(url(path), params), { method: 'GET' });
        assert.equal(res.status, 200);
        assertVonageSms(await out.next(), params);
        await nothingEmitted();
      });

      it(`POST form → 200 and one message (${setting})`, async function () {
        const params = vonageSmsParams();
        const res = await rt.postForm(url(path), params);
        assert.equal(res.status, 200);
        assertVonageSms(await out.next(), params);
      });

      it(`POST JSON → 200 and one message (${setting})`, async function () {
        const params = vonageSmsParams();
        const res = await rt.postJson(url(path), params);
        assert.equal(res.status, 200);
        assertVonageSms(await out.next(), params);
      });
    }

    it('an alphanumeric recipient stays as sent; an opt-out word is flagged', async function () {
      const params = vonageSmsParams({ to: 'MyShop', text: 'unsubscribe', keyword: 'UNSUBSCRIBE' });
      await rt.postForm(url(PATHS.auto), params);
      const msg = await out.next();
      assert.equal(msg.sms.to, 'MyShop');
      assert.equal(msg.sms.optOut, 'stop');
      assert.equal(msg.sms.keyword, 'UNSUBSCRIBE');
    });
  });

  describe('Vonage Messages API', function () {
    for (const path of [PATHS.auto, PATHS['vonage-messages']]) {
      const setting = path === PATHS.auto ? 'auto' : 'vonage-messages';

      it(`POST JSON (SMS) → 200 and one message (${setting})`, async function () {
        const body = messagesBody();
        const res = await rt.postJson(url(path), body);
        assert.equal(res.status, 200);
        const msg = await out.next();
        assert.equal(msg.payload, 'START');
        assert.equal(msg.topic, '+447700900001');
        assert.equal(msg.sms.provider, 'vonage-messages');
        assert.equal(msg.sms.messageId, body.message_uuid);
        assert.equal(msg.sms.from, '+447700900001');
        assert.equal(msg.sms.to, '+447700900002');
        assert.equal(msg.sms.keyword, 'START');
        assert.equal(msg.sms.optOut, 'start');
        assert.deepEqual(msg.sms.media, []);
        assert.equal(msg.sms.segments, 2);
        assert.equal(msg.sms.channel, 'sms');
        assert.equal(msg.sms.timestamp, '2024-05-01T10:11:12.000Z');
        assert.deepEqual(msg.sms.raw, body);
        assertLive(msg);
        await nothingEmitted();
      });
    }

    it('MMS with an image: media with its caption, text empty, channel mms', async function () {
      const body = messagesBody({ channel: 'mms', message_type: 'image', image: { url: 'https://example.com/cat.jpg', caption: 'my cat' } });
      delete body.text;
      delete body.sms;
      const res = await rt.postJson(url(PATHS['vonage-messages']), body);
      assert.equal(res.status, 200);
      const msg = await out.next();
      assert.equal(msg.payload, '');
      assert.equal(msg.sms.text, '');
      assert.equal(msg.sms.keyword, '');
      assert.equal(msg.sms.channel, 'mms');
      assert.equal(msg.sms.segments, 1);
      assert.deepEqual(msg.sms.media, [{ url: 'https://example.com/cat.jpg', caption: 'my cat' }]);
    });
  });

  describe('the account', function () {
    it('sets msg.sms.account to the id of the sms account used', async function () {
      const params = vonageSmsParams();
      const res = await rt.postForm(url(PATHS.account), params);
      assert.equal(res.status, 200);
      const msg = await out.next();
      assert.equal(msg.sms.account, 'pv-acct');
    });
  });

  describe('a fixed provider given another provider’s webhook', function () {
    const cases = [
      { path: PATHS.twilio, send: () => rt.postForm(url(PATHS.twilio), vonageSmsParams()), expects: /Twilio incoming-message webhook/, looks: /Vonage SMS API/ },
      { path: PATHS.twilio, send: () => rt.postJson(url(PATHS.twilio), messagesBody()), expects: /Twilio/, looks: /Vonage Messages API/ },
      { path: PATHS['vonage-sms'], send: () => rt.postForm(url(PATHS['vonage-sms']), twilioParams()), expects: /Vonage SMS API inbound webhook/, looks: /Twilio/ },
      { path: PATHS['vonage-sms'], send: () => rt.postJson(url(PATHS['vonage-sms']), messagesBody()), expects: /Vonage SMS API/, looks: /Vonage Messages API/ },
      { path: PATHS['vonage-messages'], send: () => rt.postForm(url(PATHS['vonage-messages']), twilioParams()), expects: /Vonage Messages API inbound webhook/, looks: /Twilio/ },
      {
        path: PATHS['vonage-messages'],
        send: () => rt.send(withQuery(url(PATHS['vonage-messages']), vonageSmsParams()), { method: 'GET' }),
        expects: /Vonage Messages API/,
        looks: /Vonage SMS API/,
      },
    ];
    for (const c of cases) {
      it(`${c.path} answers 400 naming what it expects (${c.looks.source})`, async function () {
        const res = await c.send();
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type'), /^text\/plain/);
        assert.match(res.text, c.expects);
        assert.match(res.text, c.looks);
        await nothingEmitted();
      });
    }

    it('auto names every provider it would have taken', async function () {
      const res = await rt.postForm(url(PATHS.auto), { hello: 'world' });
      assert.equal(res.status, 400);
      assert.match(res.text, /does not look like a Twilio .*, or a Vonage SMS API .*, or a Vonage Messages API/);
    });

    it('a delivery receipt sent to sms in is named as one', async function () {
      const res = await rt.postForm(url(PATHS.auto), { MessageSid: twilioSid(), MessageStatus: 'delivered', AccountSid: 'AC1', From: '+1415', To: '+1416' });
      assert.equal(res.status, 400);
      assert.match(res.text, /status callback.*sms status node/);
      await nothingEmitted();
    });
  });
});
