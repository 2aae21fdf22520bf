'use strict';
// The transport under the Vonage SDK's clients (src/providers/vonage/transport.ts), through a
// real reply (the SDK prepares and parses) to a server on 127.0.0.1 that answers oddly.
const assert = require('node:assert/strict');
const http = require('node:http');
const { vonageSms } = require('../../../dist/providers/vonage-sms');
const { startSilentServer } = require('../../support/silent-server');

function serve(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })));
}

const account = (apiHost) => ({ name: 'main', credentials: { apiKey: 'key1', apiSecret: 'secret1' }, apiHost });
const request = { to: '+447700900001', from: '447700900000', text: 'hello', media: [] };
const policy = { attempts: 1, baseDelayMs: 10, maxDelayMs: 10, timeoutMs: 2000 };

describe('Vonage transport', function () {
  it('an answer past 1 MB is cut off: the reply fails with an unknown outcome, it does not fill memory', async function () {
    const big = 'x'.repeat(64 * 1024);
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const more = () => {
        while (sent < 40 && res.write(big)) sent++;
        if (sent < 40) res.once('drain', more);
        else res.end();
      };
      more();
    });
    try {
      await assert.rejects(vonageSms.reply.send(request, account(srv.url), policy), (err) => {
        assert.equal(err.outcomeUnknown, true, err.message);
        assert.match(err.message, /more than 1048576 bytes/);
        return true;
      });
    } finally {
      await srv.close();
    }
  });

  it('no connection made within the timeout (a TLS handshake never answered): not sent, and sent again; a silent answer once connected stays unknown', async function () {
    const silent = await startSilentServer();
    const retrying = { retries: 1, baseMs: 10, maxWaitMs: 100, timeoutMs: 300 };
    try {
      await assert.rejects(vonageSms.reply.send(request, account(silent.url), retrying), (err) => {
        assert.equal(err.outcomeUnknown, false, err.message);
        assert.match(err.message, /CONNECT_TIMEOUT.*not sent/);
        return true;
      });
      assert.equal(silent.connections, 2, 'tried again once');
      assert.deepEqual(silent.firstBytes, [0x16, 0x16]);
    } finally {
      await silent.close();
    }
    const taken = await serve((req) => req.resume());
    try {
      await assert.rejects(vonageSms.reply.send(request, account(taken.url), retrying), (err) => {
        assert.equal(err.outcomeUnknown, true, err.message);
        assert.match(err.message, /no answer in time/);
        return true;
      });
    } finally {
      await taken.close();
    }
  });

  it('hands the SDK the answer it parses: the message id of a 200', async function () {
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ 'message-count': '1', messages: [{ to: '447700900001', 'message-id': 'abc-123', status: '0' }] }));
    });
    try {
      const sent = await vonageSms.reply.send(request, account(srv.url), policy);
      assert.equal(sent.messageId, 'abc-123');
    } finally {
      await srv.close();
    }
  });
});
