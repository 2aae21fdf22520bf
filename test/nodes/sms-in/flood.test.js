'use strict';
// Floods an attacker can send at a real Node-RED process (this package installed as a module,
// requests from this process over loopback), with the heap measured inside it after a full
// garbage collection: fresh ids with large bodies (remote out-of-memory), a captured signed
// request replayed after 10 000 others, and multipart parts from thousands of senders.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { prepareUserDir, startNodeRed } = require('../../../scripts/lib/node-red-home');
const { freePort } = require('../../support/free-port');
const { signVonageSms } = require('../../support/sign');

const SECRET = 'flood-vonage-signature-secret';
const MB = 1024 * 1024;

const SETTINGS = `const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
module.exports = {
  flowFile: 'flows.json',
  credentialSecret: false,
  uiHost: '127.0.0.1',
  telemetry: { enabled: false, updateNotification: false },
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  editorTheme: { projects: { enabled: false }, tours: false },
  functionGlobalContext: { heapUsed: () => { gc(); gc(); return process.memoryUsage().heapUsed; } },
};
`;

/** Every message a node emits, as `{ id, from, text, incomplete }` under its key in global context. */
const RECORD = (key) => `const all = global.get('emitted') || {};
(all[${JSON.stringify(key)}] = all[${JSON.stringify(key)}] || []).push({ id: msg.sms.messageId, from: msg.sms.from, text: msg.payload, incomplete: !!msg.sms.incomplete });
global.set('emitted', all);
return null;`;

const TAB = 'flood-tab';
const at = (n) => ({ z: TAB, x: 100, y: 60 * n });
const FLOWS = [
  { id: TAB, type: 'tab', label: 'flood' },
  { id: 'fl-acct', type: 'sms account', provider: 'vonage', name: 'vonage', signatureMethod: 'md5hash' },
  // As in issue 12: provider twilio, no account, nothing wired.
  { id: 'fl-tw', type: 'sms in', provider: 'twilio', path: '/fl/tw', wires: [], ...at(1) },
  { id: 'fl-st', type: 'sms status', provider: 'twilio', path: '/fl/st', wires: [], ...at(2) },
  { id: 'fl-vs', type: 'sms in', account: 'fl-acct', provider: 'vonage-sms', path: '/fl/vs', wires: [['fl-vs-rec']], ...at(3) },
  { id: 'fl-vs-rec', type: 'function', func: RECORD('signed'), outputs: 1, wires: [], ...at(3) },
  { id: 'fl-mp', type: 'sms in', provider: 'vonage-sms', path: '/fl/mp', wires: [['fl-mp-rec']], ...at(4) },
  { id: 'fl-mp-rec', type: 'function', func: RECORD('multipart'), outputs: 1, wires: [], ...at(4) },
  { id: 'fl-heap', type: 'http in', url: '/fl/heap', method: 'get', upload: false, swaggerDoc: '', wires: [['fl-heap-fn']], ...at(5) },
  { id: 'fl-heap-fn', type: 'function', func: "msg.payload = String(global.get('heapUsed')()); return msg;", outputs: 1, wires: [['fl-res']], ...at(5) },
  { id: 'fl-emitted', type: 'http in', url: '/fl/emitted', method: 'get', upload: false, swaggerDoc: '', wires: [['fl-emitted-fn']], ...at(6) },
  { id: 'fl-emitted-fn', type: 'function', func: "msg.payload = global.get('emitted') || {}; return msg;", outputs: 1, wires: [['fl-res']], ...at(6) },
  { id: 'fl-res', type: 'http response', statusCode: '', headers: {}, wires: [], ...at(7) },
];

describe('floods at a real Node-RED process (issue 12)', function () {
  this.timeout(120_000);
  let red;
  let userDir;
  let port;
  let agent;

  before(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-flood-'));
    fs.writeFileSync(path.join(userDir, 'settings.js'), SETTINGS);
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ 'fl-acct': { signatureSecret: SECRET } }));
    prepareUserDir(userDir, { flows: FLOWS });
    port = await freePort();
    red = await startNodeRed({ userDir, port, stdio: 'ignore' });
    agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  });
  after(async () => {
    if (agent) agent.destroy();
    if (red) await red.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  function send({ method = 'POST', path: p, headers = {}, body }) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer within 30 s: ${method} ${p}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** `count` requests made by `make(i)`, `connections` at a time; the statuses counted. */
  async function flood(count, make, connections = 16, onDone = () => {}) {
    const statuses = {};
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const res = await send(make(next++));
        statuses[res.status] = (statuses[res.status] || 0) + 1;
        onDone();
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    return statuses;
  }

  const heapUsed = async () => Number((await send({ method: 'GET', path: '/fl/heap' })).text);
  const emitted = async () => JSON.parse((await send({ method: 'GET', path: '/fl/emitted' })).text);
  const form = (params) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  /** Just under the body limit (64 KB), as an attacker would choose it. */
  const BIG = 'x'.repeat(60_000);

  async function heapGrowthOf(count, make) {
    await flood(50, make); // warm: code paths compiled, buffers allocated
    const before = await heapUsed();
    const statuses = await flood(count, make);
    const growth = (await heapUsed()) - before;
    return { growth, statuses };
  }

  it('sms in: 2000 webhooks with fresh ids and 60 KB bodies leave the heap under 20 MB larger', async function () {
    let n = 0;
    const make = () => {
      const sid = `SM${crypto.randomBytes(16).toString('hex')}`;
      n += 1;
      return { path: '/fl/tw', ...form({ MessageSid: sid, AccountSid: 'ACflood', From: `+1555${String(n).padStart(7, '0')}`, To: '+15550000000', Body: BIG }) };
    };
    const { growth, statuses } = await heapGrowthOf(2000, make);
    assert.deepEqual(statuses, { 200: 2000 });
    assert.ok(growth < 20 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('sms status: 2000 receipts with fresh ids and 60 KB bodies leave the heap under 20 MB larger', async function () {
    const make = () => {
      const sid = `SM${crypto.randomBytes(16).toString('hex')}`;
      return { path: '/fl/st', ...form({ MessageSid: sid, MessageStatus: 'delivered', AccountSid: 'ACflood', To: '+15550000001', Padding: BIG }) };
    };
    const { growth, statuses } = await heapGrowthOf(2000, make);
    assert.deepEqual(statuses, { 200: 2000 });
    assert.ok(growth < 20 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('an id longer than any provider sends is refused with 400 and a sentence', async function () {
    const res = await send({ path: '/fl/tw', ...form({ MessageSid: `SM${'a'.repeat(5000)}`, From: '+15550000002', To: '+15550000000', Body: 'hi' }) });
    assert.equal(res.status, 400);
    assert.match(res.text, /message id is 5002 characters long/);
  });

  it('a captured signed request replayed after 10 000 others is still a duplicate', async function () {
    const signedQuery = (messageId) =>
      `/fl/vs?${new URLSearchParams(signVonageSms(SECRET, { msisdn: '447700900001', to: '447700900002', messageId, text: 'hello', type: 'text' }))}`;
    const captured = signedQuery('CAPTURED00000001');
    assert.equal((await send({ method: 'GET', path: captured })).status, 200);
    const statuses = await flood(10_000, (i) => ({ method: 'GET', path: signedQuery(`0C${String(i).padStart(14, '0')}`) }), 8);
    assert.deepEqual(statuses, { 200: 10_000 });
    assert.equal((await send({ method: 'GET', path: captured })).status, 200, 'a retry is acknowledged');
    await new Promise((r) => setTimeout(r, 200));
    const ids = (await emitted()).signed.map((m) => m.id);
    assert.equal(ids.length, 10_001, 'every other message was emitted once');
    assert.equal(ids.filter((id) => id === 'CAPTURED00000001').length, 1, 'the replay was not emitted again');
  });

  it('multipart parts from 3000 senders do not break a genuine 2-part message from another sender, parts 0.5 s apart', async function () {
    const sender = (i) => `4477${String(i).padStart(8, '0')}`;
    const part = (msisdn, ref, n, total, text) => ({
      method: 'GET',
      path: `/fl/mp?${new URLSearchParams({
        msisdn, to: '447700900000', messageId: crypto.randomBytes(8).toString('hex'), text, type: 'text',
        concat: 'true', 'concat-ref': ref, 'concat-total': String(total), 'concat-part': String(n),
      })}`,
    });
    const genuine = '447700900777';
    let sent = 0;
    const running = flood(3000, (i) => part(sender(i), crypto.randomBytes(2).toString('hex'), 1, 2 + (i % 4), 'flood part '), 16, () => (sent += 1));
    while (sent < 100) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await send(part(genuine, 'A1', 1, 2, 'Hello from a long '))).status, 200);
    const sentAtPartOne = sent;
    const partOneAt = Date.now();
    // 0.5 s apart, and at least 1500 other groups in between, however slow this machine is.
    while (Date.now() - partOneAt < 500 || sent - sentAtPartOne < 1500) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await send(part(genuine, 'A1', 2, 2, 'message.'))).status, 200);
    const statuses = await running;
    await new Promise((r) => setTimeout(r, 200));
    const fromGenuine = (await emitted()).multipart.filter((m) => m.from === `+${genuine}`);
    assert.deepEqual(fromGenuine.map((m) => ({ text: m.text, incomplete: m.incomplete })), [{ text: 'Hello from a long message.', incomplete: false }]);
    assert.deepEqual(statuses, { 200: 3000 }, 'the flood fits: nothing refused, nothing pushed out');
  });
});
