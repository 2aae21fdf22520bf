'use strict';
// Endpoint fuzz: a fixed number of random and malformed requests (the count, not the speed,
// is what is checked; the test's timeout is only a generous cap) at
// `sms in` and `sms status` of every provider, with and without an account holding secrets,
// through a real Node-RED runtime and real HTTP. Every answer is 2xx/4xx, Node-RED keeps
// serving, no promise is left rejected, and a rejected request emits nothing.
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const fc = require('fast-check');
const rt = require('../support/runtime');
const { twilioSignature } = require('../support/sign');
const { request, shaped, shapedRequest, arbitraryRequest, hostile, hostileRequest } = require('./http-requests');

const SCALE = Number(process.env.FUZZ_SCALE || 1);
const REQUESTS = 800 * SCALE;
const HOSTILE_REQUESTS = 300 * SCALE;
const SECRETS = { authToken: 'fuzz-twilio-token', signatureSecret: 'fuzz-vonage-signature-secret' };
const STATES = ['accepted', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'unknown'];

const ENDPOINTS = [];
for (const type of ['sms in', 'sms status']) {
  const kind = type === 'sms in' ? 'in' : 'st';
  for (const provider of ['auto', 'twilio', 'vonage-sms', 'vonage-messages']) {
    ENDPOINTS.push({ type, provider, path: `/fz/${kind}/${provider}` });
    const account = provider === 'twilio' ? 'fz-acct-tw' : provider === 'auto' ? undefined : 'fz-acct-vo';
    if (account) ENDPOINTS.push({ type, provider, account, path: `/fz/${kind}/${provider}/signed` });
  }
  ENDPOINTS.push({ type, provider: 'auto', account: 'fz-acct-vo', path: `/fz/${kind}/auto/vonage-signed` });
}

const flow = [
  { id: 'fz-acct-tw', type: 'sms account', provider: 'twilio' },
  { id: 'fz-acct-vo', type: 'sms account', provider: 'vonage', signatureMethod: 'md5hash' },
  // Two wires: Node-RED clones the message for the second, walking all of it.
  ...ENDPOINTS.map((e, i) => ({ id: `fz-${i}`, type: e.type, provider: e.provider, account: e.account || '', path: e.path, wires: [['fz-sink', 'fz-sink2']] })),
  { id: 'fz-sink', type: 'helper' },
  { id: 'fz-sink2', type: 'helper' },
];
const credentials = {
  'fz-acct-tw': { accountSid: 'ACfuzz', authToken: SECRETS.authToken },
  'fz-acct-vo': { signatureSecret: SECRETS.signatureSecret },
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('fuzz: sms in and sms status endpoints over HTTP', function () {
  // A cap for a loaded machine, not a measure of speed.
  this.timeout(180000 * SCALE);
  let baseUrl;
  let port;
  let agent;
  let emitted = 0;
  const badMessages = [];
  const rejections = [];
  const onRejection = (err) => rejections.push(err);

  before(async () => {
    // Multipart groups complete or expire only through requests here, never on a timer.
    rt.settings({ smsMultipart: { expiryMs: 3_600_000, maxGroups: 50 } });
    const { url } = await rt.load(flow, credentials);
    baseUrl = url('').replace(/\/$/, '');
    port = Number(new URL(baseUrl).port);
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    rt.helper.getNode('fz-sink').on('input', (msg) => {
      emitted += 1;
      const ok = msg.sms ? typeof msg.payload === 'string' && typeof msg.topic === 'string' : STATES.includes(msg.payload);
      if (!ok) badMessages.push(msg);
    });
    process.on('unhandledRejection', onRejection);
  });
  after(async () => {
    process.removeListener('unhandledRejection', onRejection);
    agent.destroy();
    await rt.unload();
    await rt.stopServer();
  });

  function send({ method, path, headers, body }) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.setTimeout(5000, () => req.destroy(new Error(`no answer within 5 s: ${method} ${path}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers hundreds of random requests with 2xx/4xx and emits nothing for a rejected one', async function () {
    const started = Date.now();
    let count = 0;
    const statuses = {};
    const cases = fc.oneof({ weight: 7, arbitrary: request.map((c) => ({ c })) }, { weight: 3, arbitrary: shaped.map((s) => ({ s })) });
    await fc.assert(
      fc.asyncProperty(cases, async ({ c, s }) => {
        count += 1;
        const endpoint = ENDPOINTS[(c || s).endpoint % ENDPOINTS.length];
        const req = c ? arbitraryRequest(c, endpoint) : shapedRequest(s, endpoint, baseUrl, SECRETS);
        await tick();
        await tick();
        const before = emitted;
        const status = await send(req);
        statuses[status] = (statuses[status] || 0) + 1;
        assert.ok(status >= 200 && status < 500, `${req.method} ${req.path} answered ${status}`);
        if (status >= 400) {
          await tick();
          await tick();
          assert.equal(emitted, before, `${req.method} ${req.path} was refused with ${status} but emitted a message`);
        }
      }),
      { numRuns: REQUESTS, endOnFailure: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
    this.test.title += ` (${count} requests in ${Date.now() - started} ms: ${JSON.stringify(statuses)})`;
    assert.equal(count, REQUESTS, 'every planned request was sent');
    assert.ok(statuses[200] > 0, 'some requests were accepted: the accepted path was fuzzed too');
    assert.deepEqual(badMessages, [], 'every emitted message has a string payload and topic, or a known state');
    assert.deepEqual(rejections, []);
    const errors = rt.helper
      .log()
      .args.map(([entry]) => entry)
      .filter((entry) => entry && entry.level <= 20 && !/not listening|no path/.test(String(entry.msg)));
    assert.deepEqual(errors.map((e) => String(e.msg)), [], 'nothing went wrong inside Node-RED');
  });

  it('refuses a repeated Vonage parameter name (400 where Vonage is taken) and an id longer than any provider sends (400, or 403 unsigned), emitting nothing', async function () {
    const started = Date.now();
    let count = 0;
    const statuses = {};
    await fc.assert(
      fc.asyncProperty(hostile, async (c) => {
        count += 1;
        const endpoint = ENDPOINTS[c.endpoint % ENDPOINTS.length];
        const req = hostileRequest(c, endpoint, baseUrl, SECRETS);
        await tick();
        const before = emitted;
        const status = await send(req);
        statuses[`${c.attack} ${status}`] = (statuses[`${c.attack} ${status}`] || 0) + 1;
        // Where Vonage is taken, a repeated name is refused before any signature check; a
        // Twilio endpoint with an account may refuse the unsigned stranger first (403).
        const allowed = c.attack === 'repeated' && endpoint.provider !== 'twilio' ? [400] : [400, 403];
        assert.ok(allowed.includes(status), `${c.attack} (${c.provider}, ${c.name}) at ${endpoint.path} answered ${status}`);
        await tick();
        await tick();
        assert.equal(emitted, before, `${req.method} ${req.path} was refused with ${status} but emitted a message`);
      }),
      { numRuns: HOSTILE_REQUESTS, endOnFailure: true },
    );
    this.test.title += ` (${count} requests in ${Date.now() - started} ms: ${JSON.stringify(statuses)})`;
    assert.equal(count, HOSTILE_REQUESTS, 'every planned request was sent');
    assert.deepEqual(rejections, []);
  });

  it('survives bodies cut short (the client hangs up mid-body) and emits nothing', async function () {
    const before = emitted;
    for (let i = 0; i < 60; i++) {
      const endpoint = ENDPOINTS[i % ENDPOINTS.length];
      const body = i % 2 ? '{"message_uuid":"x","from":"4477009' : 'MessageSid=SM1&From=%2B1415&To=%2B1415&Bo';
      const type = i % 2 ? 'application/json' : 'application/x-www-form-urlencoded';
      await new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`POST ${endpoint.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${body.length + 40}\r\n\r\n${body}`);
          setImmediate(() => socket.destroy());
        });
        socket.on('close', resolve);
        socket.on('error', () => {});
      });
    }
    await rt.sleep(50);
    assert.equal(emitted, before);
    assert.deepEqual(rejections, []);
  });

  it('still serves a good signed request afterwards', async function () {
    const before = emitted;
    const path = '/fz/in/twilio/signed';
    const params = { MessageSid: `SMfuzz${Date.now()}`, AccountSid: 'ACfuzz', From: '+14155550100', To: '+14155550199', Body: 'still here' };
    const body = new URLSearchParams(params).toString();
    const status = await send({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(SECRETS.authToken, baseUrl + path, params) },
      body,
    });
    assert.equal(status, 200);
    await rt.sleep(20);
    assert.equal(emitted, before + 1);
  });
});
