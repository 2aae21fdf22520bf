'use strict';
// Whatever a client sends, the answer is a 4xx with a plain sentence (never a 500), and
// Node-RED goes on serving the next request (SPEC §4).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const zlib = require('node:zlib');
const rt = require('../../support/runtime');

const twilioSid = () => `SM${crypto.randomBytes(16).toString('hex')}`;
const vonageId = () => crypto.randomBytes(8).toString('hex').toUpperCase();

const flow = [
  { id: 'mf-auto', type: 'sms in', provider: 'auto', path: '/mf/auto', wires: [['mf-out']] },
  { id: 'mf-tw', type: 'sms in', provider: 'twilio', path: '/mf/tw', wires: [['mf-out']] },
  { id: 'mf-vm', type: 'sms in', provider: 'vonage-messages', path: '/mf/vm', wires: [['mf-out']] },
  { id: 'mf-out', type: 'helper' },
];

/** Raw HTTP, for what fetch will not send (bad Content-Length, odd headers). */
function rawRequest(port, { method = 'POST', path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('sms in — malformed requests over HTTP', function () {
  let url;
  let out;
  let port;
  before(async () => {
    ({ url } = await rt.load(flow, {}));
    out = rt.collector('mf-out');
    port = Number(new URL(url('/')).port);
  });
  after(async () => {
    await rt.unload();
    await rt.stopServer();
  });
  // A test that failed half-way must not leave messages for the next one.
  afterEach(() => out.clear());

  /** A 4xx answered with a plain-text sentence, and nothing emitted. */
  async function refused(res, status, pattern) {
    if (status) assert.equal(res.status, status, `${res.status} ${res.text}`);
    else assert.ok(res.status >= 400 && res.status < 500, `a 4xx, got ${res.status}: ${res.text}`);
    const type = typeof res.headers.get === 'function' ? res.headers.get('content-type') : res.headers['content-type'];
    assert.match(type || '', /^text\/plain/, 'a plain sentence, not an HTML error page');
    assert.match(res.text, /^[a-z].{8,}/i, 'a sentence a person can read');
    if (pattern) assert.match(res.text, pattern);
    await rt.sleep(30);
    assert.equal(out.messages.length, 0, 'nothing reached the flow');
  }

  /** Node-RED still takes a good message after whatever came before. */
  async function stillServing() {
    const params = { MessageSid: twilioSid(), AccountSid: 'AC1', From: '+14155550100', To: '+14155550199', Body: 'still there?' };
    const res = await rt.postForm(url('/mf/auto'), params);
    assert.equal(res.status, 200);
    assert.equal((await out.next()).sms.messageId, params.MessageSid);
  }

  it('invalid JSON → 400 "invalid JSON"', async function () {
    await refused(await rt.postJson(url('/mf/auto'), '{"message_uuid": "x", '), 400, /invalid JSON/);
    await refused(await rt.postJson(url('/mf/vm'), '{not json}'), 400, /invalid JSON/);
    await stillServing();
  });

  it('a text/plain body → 415 naming the types that are understood', async function () {
    const res = await rt.send(url('/mf/auto'), { headers: { 'content-type': 'text/plain' }, body: 'From=+1415&Body=hi' });
    await refused(res, 415, /application\/x-www-form-urlencoded or application\/json/);
    await refused(await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/xml' }, body: '<a/>' }), 415);
    const multipart = new FormData();
    multipart.append('From', '+14155550100');
    await refused(await rt.send(url('/mf/auto'), { body: multipart }), 415, /multipart\/form-data/);
    await stillServing();
  });

  it('a 415 quotes no markup from the Content-Type, and every sentence is sent nosniff', async function () {
    const hostile = 'text/html; x=<script>alert(1)</script>';
    const res = await rt.send(url('/mf/auto'), { headers: { 'content-type': hostile }, body: '<b>hi</b>' });
    await refused(res, 415, /unsupported Content-Type text\/html: expected application\/x-www-form-urlencoded or application\/json/);
    assert.doesNotMatch(res.text, /<script>/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const odd = await rt.send(url('/mf/auto'), { headers: { 'content-type': '<img src=x onerror=alert(1)>' }, body: 'x' });
    await refused(odd, 415, /unsupported Content-Type \(not a media type\)/);
    for (const answer of [
      await rt.postForm(url('/mf/tw'), { MessageSid: twilioSid(), To: '+14155550199' }),
      await rt.postJson(url('/mf/vm'), '{"broken'),
    ]) {
      assert.ok(answer.status >= 400 && answer.status < 500, String(answer.status));
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    }
    await stillServing();
  });

  it('a body over the limit (64 KB) → 413, for form and JSON', async function () {
    const big = 'x'.repeat(65 * 1024);
    await refused(await rt.postForm(url('/mf/auto'), { MessageSid: twilioSid(), From: '+1', Body: big }), 413, /too large/);
    await refused(await rt.postJson(url('/mf/vm'), { message_uuid: 'x', text: big }), 413, /too large/);
    await stillServing();
  });

  it('Twilio without From (fixed provider) → 400 "missing From"', async function () {
    const res = await rt.postForm(url('/mf/tw'), { MessageSid: twilioSid(), AccountSid: 'AC1', To: '+14155550199', Body: 'hi' });
    await refused(res, 400, /missing From/);
    assert.match(res.text, /Twilio incoming-message webhook/);
    await stillServing();
  });

  it('an empty POST, with or without a content type → 400', async function () {
    await refused(await rt.send(url('/mf/auto'), { method: 'POST' }), 400, /does not look like/);
    await refused(await rt.send(url('/mf/tw'), { method: 'POST' }), 400, /missing MessageSid/);
    await refused(await rt.postForm(url('/mf/auto'), {}), 400);
    await refused(await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/json' }, body: '' }), 400);
    await refused(await rt.send(url('/mf/auto'), { method: 'GET' }), 400);
    await stillServing();
  });

  it('JSON that is not an object of fields → 400', async function () {
    for (const body of ['[]', '"text"', 'null', '42', 'true', '[{"message_uuid":"x"}]']) {
      await refused(await rt.postJson(url('/mf/auto'), body), 400);
      await refused(await rt.postJson(url('/mf/vm'), body), 400);
    }
    const deep = '{"a":'.repeat(2000) + '1' + '}'.repeat(2000);
    await refused(await rt.postJson(url('/mf/auto'), deep), 400);
    await refused(await rt.postJson(url('/mf/auto'), { msisdn: { a: 1 }, to: '1', messageId: '1', text: 'x' }), 400);
    await refused(await rt.postJson(url('/mf/vm'), { channel: 'sms', message_uuid: 'u', from: ['1'], to: '2', text: 'x' }), 400, /missing from/);
    await stillServing();
  });

  it('repeated Twilio parameters are read as the first value, never crash; a repeated Vonage one is refused (400)', async function () {
    const sid = twilioSid();
    const body = `MessageSid=${sid}&MessageSid=SMother&From=%2B14155550100&From=%2B14155550111&To=%2B14155550199&Body=one&Body=two`;
    const res = await rt.send(url('/mf/tw'), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(res.status, 200, res.text);
    const msg = await out.next();
    assert.equal(msg.sms.messageId, sid);
    assert.equal(msg.sms.from, '+14155550100');
    assert.equal(msg.payload, 'one');
    // Vonage never repeats a name (SPEC §4): one of the values is not what Vonage sent.
    const q = `msisdn=447700900001&msisdn=447700900009&to=447700900002&messageId=${vonageId()}&text=a&text=b&type=text`;
    await refused(await rt.send(`${url('/mf/auto')}?${q}`, { method: 'GET' }), 400, /"msisdn" appears more than once/);
    await stillServing();
  });

  it('bracketed and prototype-named parameters stay flat strings', async function () {
    const sid = twilioSid();
    const body = `MessageSid=${sid}&From=%2B14155550100&To=%2B14155550199&Body=hi&__proto__[x]=1&constructor=2&a[b][c]=3&toString=4`;
    const res = await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(res.status, 200, res.text);
    const msg = await out.next();
    assert.equal(msg.sms.raw['a[b][c]'], '3');
    assert.equal(msg.sms.raw.constructor, '2');
    assert.equal({}.x, undefined, 'no prototype pollution');
    await refused(await rt.postJson(url('/mf/auto'), '{"__proto__":{"polluted":1},"msisdn":"1"}'), 400);
    assert.equal({}.polluted, undefined);
  });

  it('weird encodings: bad percent-escapes, other charsets, unknown or broken Content-Encoding', async function () {
    // A stray % is kept as text, as browsers and the providers' own parsers do.
    const sid = twilioSid();
    const res = await rt.send(url('/mf/auto'), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `MessageSid=${sid}&From=%2B14155550100&To=%2B14155550199&Body=100%25%20sure%zz%E0%A4`,
    });
    assert.equal(res.status, 200, res.text);
    assert.match((await out.next()).payload, /^100% sure/);

    await refused(await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=latin1' }, body: 'a=b' }), 415, /charset/);
    await refused(await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' }, body: 'Body=caf%E9' }), 415, /charset/);
    // body-parser takes any utf-*: UTF-8 bytes read as UTF-16 are no JSON.
    await refused(await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/json; charset=utf-16' }, body: '{}' }));
    await refused(await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/json; charset=koi8-r' }, body: '{}' }), 415, /charset/);
    await refused(
      await rawRequest(port, { path: '/mf/auto', headers: { 'content-type': 'application/json', 'content-encoding': 'compress', 'content-length': 2 }, body: '{}' }),
      415,
    );
    await refused(
      await rawRequest(port, { path: '/mf/auto', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': 9 }, body: 'not gzip!' }),
      400,
    );
    // Well-formed gzip is simply read.
    const gz = zlib.gzipSync(JSON.stringify({ channel: 'sms', message_uuid: crypto.randomUUID(), from: '447700900001', to: '447700900002', text: 'zipped', message_type: 'text' }));
    const zipped = await rawRequest(port, { path: '/mf/vm', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gz.length }, body: gz });
    assert.equal(zipped.status, 200, zipped.text);
    assert.equal((await out.next()).payload, 'zipped');
    await stillServing();
  });

  it('a body shorter than its Content-Length, and too many form fields → 4xx', async function () {
    const fields = Array.from({ length: 1500 }, (_, i) => `f${i}=1`).join('&');
    await refused(await rt.send(url('/mf/auto'), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields }), 413, /too many/);
    // The client promises 100 bytes, sends 10 and hangs up: no answer is possible, but no crash.
    await new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/mf/auto', headers: { 'content-type': 'application/json', 'content-length': 100 } });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write('{"a":"1234');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await stillServing();
  });

  it('a header or query the providers never send does not matter', async function () {
    const params = { MessageSid: twilioSid(), AccountSid: 'AC1', From: '+14155550100', To: '+14155550199', Body: 'hi' };
    const res = await rt.postForm(`${url('/mf/auto')}?x=%&y[]=1&__proto__=1`, params, { 'x-forwarded-host': 'bad host/with?chars', 'x-forwarded-proto': '' });
    assert.equal(res.status, 200, res.text);
    await out.next();
  });
});
