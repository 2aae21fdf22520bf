'use strict';
// Twilio's SDK over the package's own transport (src/providers/twilio/transport.ts), to a
// fake Twilio REST API on 127.0.0.1: what goes on the wire is what the SDK's RequestClient
// sent (basic auth, form fields, a list as repeated keys, the SDK's User-Agent), and what
// comes back is read as before (the SID, Twilio's error code and message, a timeout).
const assert = require('node:assert/strict');
const http = require('node:http');
const { startFakeProvider } = require('../../support/fake-provider');
const { sendTwilio } = require('../../../dist/providers/twilio/reply');
const { formEncode, sdkTransportNeeded } = require('../../../dist/providers/twilio/transport');

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'transport-test-token';
const POLICY = { retries: 0, baseMs: 10, maxWaitMs: 100, timeoutMs: 400 };

function account(apiHost) {
  return { name: 'main', credentials: { accountSid: SID, authToken: TOKEN }, apiHost };
}

function reply(fields) {
  return { to: '+14155550100', from: '+14155550199', text: 'Your order has shipped.', media: [], ...fields };
}

describe('Twilio transport: the SDK over the package own HTTP exchange', function () {
  this.timeout(10_000);
  let fake;
  before(async function () {
    fake = await startFakeProvider();
  });
  after(async function () {
    await fake.close();
  });
  beforeEach(function () {
    fake.reset();
  });

  it('sends what the SDK built: basic auth, its User-Agent, form fields, each media URL as its own MediaUrl', async function () {
    const media = ['https://example.com/a.jpg', 'https://example.com/b&c.jpg'];
    const result = await sendTwilio(reply({ media, statusUrl: 'https://example.com/status' }), account(fake.url), POLICY);
    assert.match(result.messageId, /^SM[0-9]{32}$/);
    assert.equal(result.segments, 1);
    assert.equal(fake.requests.length, 1);
    const [req] = fake.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(req.headers.authorization, `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    assert.match(req.headers['user-agent'], /^twilio-node\//);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(req.body.MediaUrl, media);
    assert.equal(req.body.To, '+14155550100');
    assert.equal(req.body.From, '+14155550199');
    assert.equal(req.body.Body, 'Your order has shipped.');
    assert.equal(req.body.StatusCallback, 'https://example.com/status');
  });

  it("reads Twilio's refusal: its code and message reach the error", async function () {
    fake.script('twilio', { status: 400, body: { code: 21211, message: "The 'To' number +1415 is not a valid phone number.", status: 400 } });
    await assert.rejects(sendTwilio(reply({}), account(fake.url), POLICY), (err) => {
      assert.match(err.message, /21211|not a valid phone number/);
      return true;
    });
  });

  it('a provider that takes the request and never answers: the outcome is unknown after the timeout, not a hang', async function () {
    fake.script('twilio', { hang: true });
    const started = Date.now();
    await assert.rejects(sendTwilio(reply({}), account(fake.url), POLICY), (err) => {
      assert.equal(err.outcome, 'unknown');
      return true;
    });
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.equal(fake.requests.length, 1);
  });

  it('an answer larger than any Twilio sends fails the exchange (outcome unknown), it is not held in memory', async function () {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', more);
        else res.end();
      };
      more();
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await assert.rejects(sendTwilio(reply({}), account(`http://127.0.0.1:${server.address().port}`), POLICY), (err) => {
        assert.equal(err.outcome, 'unknown');
        assert.match(err.message, /more than 1048576 bytes/);
        return true;
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('encodes a form as Twilio takes it: lists repeated, absent fields left out', function () {
    assert.equal(formEncode({ To: '+1 415', MediaUrl: ['a', 'b'], Skipped: undefined, Null: null, Flag: true }), 'To=%2B1+415&MediaUrl=a&MediaUrl=b&Flag=true');
  });

  it("leaves a proxy or a CA bundle set for Twilio's SDK to the SDK's own client (it applies them)", function () {
    assert.equal(sdkTransportNeeded({}), false);
    assert.equal(sdkTransportNeeded({ HTTP_PROXY: 'http://proxy.example:3128' }), true);
    assert.equal(sdkTransportNeeded({ TWILIO_CA_BUNDLE: '/etc/ssl/twilio.pem' }), true);
  });
});
