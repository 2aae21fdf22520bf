'use strict';
// The simulator's admin routes behind Node-RED's own adminAuth, in a real Node-RED process
// with this package installed as a module (so the plugin loads from package.json too).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
// Node-RED's own password hashing (a dependency of node-red, not of this package).
const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('node-red'))] }));
const { spawn } = require('node:child_process');
const { prepareUserDir } = require('../../../scripts/lib/node-red-home');
const { freePort } = require('../../support/free-port');

const PASSWORD = 'simulator-test-password';

function settingsWithAdminAuth() {
  const hash = bcrypt.hashSync(PASSWORD, 8);
  return `module.exports = {
  flowFile: 'flows.json',
  uiHost: '127.0.0.1',
  telemetry: { enabled: false, updateNotification: false },
  logging: { console: { level: 'warn' } },
  editorTheme: { projects: { enabled: false }, tours: false },
  adminAuth: {
    type: 'credentials',
    users: [
      { username: 'admin', password: ${JSON.stringify(hash)}, permissions: '*' },
      { username: 'viewer', password: ${JSON.stringify(hash)}, permissions: 'read' },
    ],
  },
};
`;
}

/**
 * Node-RED on `userDir`, ready once /auth/login answers (startNodeRed waits for /settings,
 * which adminAuth closes to anonymous callers).
 */
async function startWithAdminAuth(userDir, port) {
  const redJs = require.resolve('node-red/red.js');
  const child = spawn(process.execPath, [redJs, '--userDir', userDir, '--port', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = () => (child.exitCode === null && child.signalCode === null ? (child.kill('SIGINT'), exited) : Promise.resolve());
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/auth/login`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`Node-RED did not answer on ${url} within 30 s`);
}

const FLOWS = [
  { id: 'tab', type: 'tab', label: 'sms' },
  { id: 'in', type: 'sms in', z: 'tab', provider: 'twilio', path: '/sms/in', x: 100, y: 100, wires: [['reply']] },
  { id: 'reply', type: 'sms reply', z: 'tab', text: 'Hello {{sms.from}}', x: 300, y: 100, wires: [[]] },
];

describe('SMS simulator permissions (real Node-RED with adminAuth)', function () {
  this.timeout(60_000);
  let red;
  let userDir;

  before(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-simulator-auth-'));
    fs.writeFileSync(path.join(userDir, 'settings.js'), settingsWithAdminAuth());
    prepareUserDir(userDir, { flows: FLOWS });
    red = await startWithAdminAuth(userDir, await freePort());
  });
  after(async () => {
    if (red) await red.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  async function token(username, scope) {
    const res = await fetch(`${red.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope, username, password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    return (await res.json()).access_token;
  }

  function call(route, { bearer, body } = {}) {
    return fetch(`${red.url}/sms-simulator/${route}`, {
      method: body ? 'POST' : 'GET',
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  it('answers 401 to a caller who is not logged in, for every route', async function () {
    assert.equal((await call('endpoints')).status, 401);
    assert.equal((await call('send', { body: { node: 'in', text: 'HELP' } })).status, 401);
    assert.equal((await call('receipt', { body: { node: 'x' } })).status, 401);
  });

  it('lets a read-only user list the endpoints but not send (Node-RED answers 401 to a missing permission)', async function () {
    const viewer = await token('viewer', 'read');
    const list = await call('endpoints', { bearer: viewer });
    assert.equal(list.status, 200);
    assert.deepEqual((await list.json()).endpoints.map((e) => e.fullPath), ['/sms/in']);
    assert.equal((await call('send', { bearer: viewer, body: { node: 'in', text: 'HELP' } })).status, 401);
    assert.equal((await call('receipt', { bearer: viewer, body: { node: 'x' } })).status, 401);
  });

  it('lets an admin send, through Node-RED\'s own listening address, and get the reply', async function () {
    const admin = await token('admin', '*');
    const res = await call('send', { bearer: admin, body: { node: 'in', from: '+15551230009', text: 'HELP' } });
    assert.equal(res.status, 200);
    const result = await res.json();
    assert.equal(result.url, `${red.url}/sms/in`);
    assert.deepEqual(result.replies.map((r) => r.text), ['Hello +15551230009']);
  });

  it('opt-out lists: 401 without login; a read-only user reads and exports them but cannot change them; an admin can', async function () {
    const consent = (route, opts = {}) => call(`../sms-consent/${route}`, opts);
    assert.equal((await consent('lists')).status, 401);
    assert.equal((await consent('add', { body: { account: 'x', number: '+15551230001' } })).status, 401);
    const admin = await token('admin', '*');
    // A STOP through the simulator gives the sms in (no account) a list under the account the message names.
    assert.equal((await call('send', { bearer: admin, body: { node: 'in', from: '+15551230010', text: 'STOP' } })).status, 200);
    const viewer = await token('viewer', 'read');
    const accounts = (await (await consent('lists', { bearer: viewer })).json()).accounts;
    assert.equal(accounts.length, 1);
    const account = accounts[0].key;
    const read = await consent(`lists?account=${encodeURIComponent(account)}`, { bearer: viewer });
    assert.deepEqual((await read.json()).entries.map((e) => e.number), ['+15551230010']);
    assert.equal((await consent(`export?account=${encodeURIComponent(account)}`, { bearer: viewer })).status, 200);
    for (const route of ['add', 'remove', 'import']) {
      assert.equal((await consent(route, { bearer: viewer, body: { account, number: '+15551230011', csv: '+15551230011' } })).status, 401, route);
    }
    const added = await consent('add', { bearer: admin, body: { account, number: '+15551230011' } });
    assert.equal(added.status, 200);
    assert.equal((await added.json()).added, true);
  });

  it('outbound queue: 401 without login; a read-only user reads it but cannot pause, resume or clear; an admin can', async function () {
    const queue = (route, opts = {}) => call(`../sms-queue/${route}`, opts);
    assert.equal((await queue('accounts')).status, 401);
    for (const route of ['pause', 'resume', 'clear']) assert.equal((await queue(route, { body: { account: 'x' } })).status, 401, route);
    const viewer = await token('viewer', 'read');
    const read = await queue('accounts?jobs=5', { bearer: viewer });
    assert.equal(read.status, 200);
    assert.deepEqual((await read.json()).accounts, [], 'no sms account in this flow, nothing queued');
    for (const route of ['pause', 'resume', 'clear']) assert.equal((await queue(route, { bearer: viewer, body: { account: 'x' } })).status, 401, route);
    // Past the permission check: the route itself answers (no such account here).
    const admin = await token('admin', '*');
    for (const route of ['pause', 'resume', 'clear']) {
      const res = await queue(route, { bearer: admin, body: { account: 'x' } });
      assert.equal(res.status, 404, route);
      assert.match((await res.json()).error, /no sms account "x"/);
    }
  });
});
