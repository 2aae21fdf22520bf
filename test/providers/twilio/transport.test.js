'use strict';
// Twilio's SDK over the package's own transport (src/providers/twilio/transport.ts), to a
// fake Twilio REST API on 127.0.0.1: what goes on the wire is what the SDK's RequestClient
// sent (basic auth, form fields, a list as repeated keys, the SDK's User-Agent), and what
// comes back is read as before (the SID, Twilio's error code and message, a timeout).
const assert = require('node:assert/strict');
const http = require('node:http');
const { startFakeProvider } = require('../../support/fake-provider');
const { startSilentServer } = require('../../support/silent-server');
const { sendTwilio } = require('../../../dist/providers/twilio/reply');
const { IDLE_CLOSE_MS, formEncode, sdkTransportNeeded } = require('../../../dist/providers/twilio/transport');

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'transport-test-token';
const POLICY = { retries: 0, baseMs: 10, maxWaitMs: 100, timeoutMs: 400 };

function account(apiHost) {
  return { name: 'main', credentials: { accountSid: SID, authToken: TOKEN }, apiHost };
}

function reply(fields) {
  return { to: '+14155550100', from: '+14155550199', text: 'Your order has shipped.', media: [], ...fields };
}

/** A server on 127.0.0.1 that answers each request with `answer(req, res)`; counts connections open. */
async function serve(answer) {
  const open = new Set();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  // Kept open from this side: what closes an idle connection is the client.
  server.keepAliveTimeout = 0;
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    open,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const created = (res) => {
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sid: `SM${'2'.repeat(32)}`, status: 'queued', num_segments: '1' }));
};

describe('Twilio transport: the SDK over the package own HTTP exchange', function () {
  this.timeout(30_000);
  let fake;
  const saved = {};
  before(async function () {
    // A proxy set on this machine would hand the sends to the SDK's own client.
    for (const name of ['HTTP_PROXY', 'TWILIO_CA_BUNDLE']) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    fake = await startFakeProvider();
  });
  after(async function () {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
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

  it('no connection made within the timeout (a TLS handshake never answered): surely not sent, so the policy sends it again', async function () {
    const silent = await startSilentServer();
    try {
      await assert.rejects(sendTwilio(reply({}), account(silent.url), { ...POLICY, retries: 1, timeoutMs: 300 }), (err) => {
        assert.equal(err.outcome, 'not-sent', err.message);
        assert.match(err.message, /could not reach Twilio .*CONNECT_TIMEOUT.*not sent/);
        return true;
      });
      assert.equal(silent.connections, 2, 'tried again once');
      // Each connection carried a TLS handshake (0x16), never the request.
      assert.deepEqual(silent.firstBytes, [0x16, 0x16]);
    } finally {
      await silent.close();
    }
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

  it('sends one after another over one connection, and closes it once idle (a NAT may drop it unseen)', async function () {
    const server = await serve((req, res) => created(res));
    try {
      for (let i = 0; i < 3; i++) await sendTwilio(reply({}), account(server.url), POLICY);
      assert.equal(server.open.size, 1, 'one connection, kept');
      const idleSince = Date.now();
      while (server.open.size > 0 && Date.now() - idleSince < IDLE_CLOSE_MS + 3000) await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.open.size, 0, `still open after ${Date.now() - idleSince} ms idle`);
    } finally {
      await server.close();
    }
  });

  for (const through of ['the package transport', "the SDK's RequestClient (HTTP_PROXY set)"]) {
    it(`an answer cut off after its 201 headers, through ${through}: outcome unknown, not refused`, async function () {
      const server = await serve((req, res) => {
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"sid":"SM');
        setTimeout(() => res.socket.destroy(), 20);
      });
      if (through.includes('HTTP_PROXY')) process.env.HTTP_PROXY = 'http://127.0.0.1:9'; // used by that client for https only
      try {
        await assert.rejects(sendTwilio(reply({}), account(server.url), POLICY), (err) => {
          assert.equal(err.outcome, 'unknown', err.message);
          return true;
        });
      } finally {
        delete process.env.HTTP_PROXY;
        await server.close();
      }
    });
  }

  it('encodes a form as Twilio takes it: lists repeated, absent fields left out', function () {
    assert.equal(formEncode({ To: '+1 415', MediaUrl: ['a', 'b'], Skipped: undefined, Null: null, Flag: true }), 'To=%2B1+415&MediaUrl=a&MediaUrl=b&Flag=true');
  });

  it("leaves a proxy or a CA bundle set for Twilio's SDK to the SDK's own client (it applies them)", function () {
    assert.equal(sdkTransportNeeded({}), false);
    assert.equal(sdkTransportNeeded({ HTTP_PROXY: 'http://proxy.example:3128' }), true);
    assert.equal(sdkTransportNeeded({ TWILIO_CA_BUNDLE: '/etc/ssl/twilio.pem' }), true);
  });
});
