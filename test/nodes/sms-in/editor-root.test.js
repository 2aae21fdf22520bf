'use strict';
// Node-RED's default: the editor's app and the node app both mounted at `/` of one root app
// (node-red/red.js), the editor's app parsing every JSON and form body first. The signatures
// must still be checked against the bytes the provider sent.
const assert = require('node:assert/strict');
const http = require('node:http');
const express = require('express');
const rt = require('../../support/runtime');
const { twilioSignature, vonageMessagesJwt } = require('../../support/sign');

const SECRET = 'editor-root-signature-secret';
const TOKEN = 'editor-root-twilio-token';

const flow = [
  { id: 'er-vo', type: 'sms account', provider: 'vonage' },
  { id: 'er-tw', type: 'sms account', provider: 'twilio' },
  { id: 'er-vm', type: 'sms in', provider: 'vonage-messages', account: 'er-vo', path: '/er/vm', wires: [['er-out']] },
  { id: 'er-tin', type: 'sms in', provider: 'twilio', account: 'er-tw', path: '/er/tw', wires: [['er-out']] },
  { id: 'er-out', type: 'helper' },
  // A core endpoint on the same path for another method keeps its own body parsing.
  { id: 'er-put', type: 'http in', method: 'put', url: '/er/tw', wires: [['er-echo']] },
  { id: 'er-echo', type: 'http response' },
];
const credentials = { 'er-vo': { signatureSecret: SECRET }, 'er-tw': { authToken: TOKEN } };

describe('sms in under a root app whose editor parses bodies first (Node-RED default)', function () {
  let server;
  let base;
  let out;

  before(async () => {
    await rt.load(flow, credentials);
    // What red.js builds: editor app (with its body parsers) then the node app, both at `/`.
    const root = express();
    const editor = express();
    editor.use(express.json());
    editor.use(express.urlencoded({ extended: true }));
    editor.post('/editor/echo', (req, res) => res.json(req.body));
    root.use('/', editor);
    root.use('/', rt.captured.httpNode);
    // Deploy again now that the node app is mounted, as Node-RED starts flows after mounting.
    await rt.helper.setFlows(flow, 'full', credentials);
    server = http.createServer(root);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
    out = rt.collector('er-out');
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rt.unload();
    await rt.stopServer();
  });

  it('checks the Messages API payload_hash against the raw body, not a re-serialized one', async function () {
    // Spaced and with escaped slashes: JSON.stringify of the parsed body would differ.
    const raw = `{ "channel": "sms", "message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-00000000e001",
      "to": "447700900000", "from": "447700900001", "timestamp": "2026-01-01T00:00:00Z",
      "text": "see https:\\/\\/example.com", "message_type": "text" }`;
    const res = await rt.postJson(`${base}/er/vm`, raw, { authorization: `Bearer ${vonageMessagesJwt(SECRET, raw)}` });
    assert.equal(res.status, 200, res.text);
    const msg = await out.next();
    assert.equal(msg.payload, 'see https://example.com');
  });

  it('leaves the body of another method on the same path to that route (core http in PUT)', async function () {
    const res = await rt.send(`${base}/er/tw`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=two' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text), { a: '1', b: 'two' });
  });

  it('still refuses a body changed after signing', async function () {
    const raw = JSON.stringify({ channel: 'sms', message_uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-00000000e002', to: '447700900000', from: '447700900001', text: 'hi' });
    const res = await rt.postJson(`${base}/er/vm`, raw.replace('hi', 'ho'), { authorization: `Bearer ${vonageMessagesJwt(SECRET, raw)}` });
    assert.equal(res.status, 403);
  });

  it('verifies a signed Twilio form and leaves the editor parsing its own requests', async function () {
    const params = { MessageSid: 'SMeditorroot0001', AccountSid: 'AC1', From: '+14155550100', To: '+14155550199', Body: 'a=b&c' };
    const url = `${base}/er/tw`;
    const res = await rt.postForm(url, params, { 'x-twilio-signature': twilioSignature(TOKEN, url, params) });
    assert.equal(res.status, 200, res.text);
    assert.equal((await out.next()).payload, 'a=b&c');
    const echo = await rt.postJson(`${base}/editor/echo`, { flows: [1, 2] });
    assert.deepEqual(JSON.parse(echo.text), { flows: [1, 2] }, 'the editor still reads its own bodies');
  });
});
