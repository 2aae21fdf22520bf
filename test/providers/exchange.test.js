'use strict';
// The HTTP exchange both providers' transports use (src/providers/exchange.ts), against real
// servers on 127.0.0.1: a timeout counts as "surely not sent" (CONNECT_TIMEOUT, sent again by
// the retry policy) only when no connection was made; once the request could have reached
// the provider, it is an unknown outcome (sending again could send twice).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const https = require('node:https');
const { execFileSync } = require('node:child_process');
const { exchange } = require('../../dist/providers/exchange');
const { neverSent } = require('../../dist/providers/retry');
const { startSilentServer } = require('../support/silent-server');

/** A certificate for 127.0.0.1, made for this run (openssl ships with Debian). */
function selfSigned() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exchange-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const pair = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}

const options = (agent, body, timeoutMs = 400) => ({
  method: 'POST',
  headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) },
  body,
  agent,
  timeoutMs,
  maxBytes: 1024,
  tooLong: () => new Error('too long'),
  noAnswer: (ms) => Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' }),
});

describe('provider HTTP exchange: what a timeout means', function () {
  this.timeout(30_000);
  let tls;
  /** Bodies the https server received; it answers those starting with "answer". */
  const received = [];
  let server;
  let url;
  before(async function () {
    tls = selfSigned();
    server = https.createServer(tls, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        if (body.startsWith('answer')) res.end('ok');
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`https://127.0.0.1:${server.address().port}/`);
  });
  after(async function () {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => (received.length = 0));

  it('answered over TLS: the body comes back', async function () {
    const agent = new https.Agent({ ca: tls.cert });
    const { res, body } = await exchange(url, options(agent, 'answer me'));
    assert.equal(res.statusCode, 200);
    assert.equal(body, 'ok');
  });

  it('a TLS handshake never answered: not sent (CONNECT_TIMEOUT), and the server saw no request', async function () {
    const silent = await startSilentServer();
    try {
      await assert.rejects(exchange(new URL(silent.url), options(new https.Agent({ ca: tls.cert }), 'hello', 300)), (err) => {
        assert.equal(err.code, 'CONNECT_TIMEOUT');
        assert.equal(neverSent(err), true);
        return true;
      });
      assert.deepEqual(silent.firstBytes, [0x16], 'a TLS handshake, no HTTP');
    } finally {
      await silent.close();
    }
  });

  it('connected over TLS, the request taken, no answer: the outcome is unknown, not "not sent"', async function () {
    await assert.rejects(exchange(url, options(new https.Agent({ ca: tls.cert }), 'silence')), (err) => {
      assert.equal(err.code, 'ETIMEDOUT');
      assert.equal(neverSent(err), false);
      return true;
    });
    assert.deepEqual(received, ['silence']);
  });

  it('a request that waited for a busy keep-alive socket, taken, no answer: unknown, not "not sent"', async function () {
    // maxSockets 1: the second request gets the first one's socket when it comes free (not
    // marked reused by Node), already through its handshake.
    const agent = new https.Agent({ ca: tls.cert, keepAlive: true, maxSockets: 1 });
    const outcomes = await Promise.allSettled([exchange(url, options(agent, 'answer first')), exchange(url, options(agent, 'second'))]);
    agent.destroy();
    assert.equal(outcomes[0].status, 'fulfilled');
    assert.equal(outcomes[1].status, 'rejected');
    assert.equal(outcomes[1].reason.code, 'ETIMEDOUT', outcomes[1].reason.message);
    assert.deepEqual(received, ['answer first', 'second']);
  });
});
