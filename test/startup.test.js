'use strict';
// Node-RED requires every installed node package at start, used or not: the provider SDKs
// and body parsing must load on first use, or every Node-RED start pays for them.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const HEAVY = /node_modules[\\/](twilio|@vonage[\\/][^\\/]+|body-parser|mustache|cors|lmdb|@lmdb[\\/][^\\/]+|msgpackr|ioredis)[\\/]/;

describe('package load (what every Node-RED start pays)', function () {
  it('loads no provider SDK, body parser, template engine or store client until a node, the simulator or the store needs one', function () {
    const pkg = require('../package.json');
    const entries = { ...pkg['node-red'].nodes, ...pkg['node-red'].plugins };
    // The nodes' own code too (each entry requires it when its first node starts), and the
    // store's entry: the nodes open a store only when they start.
    const code = Object.values(pkg['node-red'].nodes).map((f) => f.replace(/\.js$/, '-node.js')).filter((f) => fs.existsSync(path.join(__dirname, '..', f)));
    assert.equal(code.length, 5, 'the five lazily loaded nodes have their code beside their entry');
    const files = [...Object.values(entries), ...code, 'dist/store/index.js'].map((f) => path.join(__dirname, '..', f));
    assert.deepEqual(heavyLoadedBy(`for (const f of ${JSON.stringify(files)}) require(f);`), []);
  });

  it('loads no node code until a node of that type starts: sms in, reply, status, send and ask cost nothing when not in the flows', function () {
    const pkg = require('../package.json');
    const entries = Object.entries(pkg['node-red'].nodes).filter(([type]) => type !== 'sms-account');
    const files = entries.map(([, f]) => path.join(__dirname, '..', f));
    const dist = path.join(__dirname, '..', 'dist') + path.sep;
    const script = `
      const registered = [];
      const RED = { nodes: { registerType: (type) => registered.push(type), createNode() {} } };
      for (const f of ${JSON.stringify(files)}) require(f)(RED);
      const loaded = Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(dist)})).map((f) => f.slice(${dist.length}));
      process.stdout.write(JSON.stringify({ registered, loaded }));`;
    const { registered, loaded } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.deepEqual(registered.sort(), ['sms ask', 'sms in', 'sms reply', 'sms send', 'sms status']);
    // The entries, and the one small module that registers a type lazily.
    const shared = ['runtime/lazy-node.js'];
    assert.deepEqual(loaded.filter((f) => !files.some((entry) => entry.endsWith(f)) && !shared.includes(f.split(path.sep).join('/'))), []);
  });

  it('loads no sidebar code until the sidebar asks: the simulator plugin registers its routes and their permissions only', function () {
    const pkg = require('../package.json');
    const plugin = path.join(__dirname, '..', pkg['node-red'].plugins['sms-simulator']);
    const dist = path.join(__dirname, '..', 'dist') + path.sep;
    const script = `
      const routes = [];
      const record = (method) => (path, ...handlers) => routes.push(method + ' ' + path + ' ' + handlers.length);
      const RED = {
        plugins: { registerPlugin() {} },
        httpAdmin: { get: record('get'), post: record('post'), use: record('use') },
        auth: { needsPermission: () => (req, res, next) => next() },
        events: { on() {}, removeListener() {} },
        comms: { publish() {} },
      };
      require(${JSON.stringify(plugin)})(RED);
      const loaded = Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(dist)})).map((f) => f.slice(${dist.length}).split(require('path').sep).join('/'));
      process.stdout.write(JSON.stringify({ routes, loaded }));`;
    const { routes, loaded } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    // Every sidebar route is there at start, each behind its permission check.
    for (const route of ['get /sms-simulator/endpoints 2', 'post /sms-simulator/send 2', 'get /sms-queue/accounts 2', 'post /sms-consent/import 2', 'use /sms-consent 1']) {
      assert.ok(routes.includes(route), `${route} registered at start (got ${routes.join(', ')})`);
    }
    assert.equal(routes.length, 14);
    // The entry, the route table, and the two in-memory event sources it listens to (with the
    // domain modules they use); no provider, store, http or node code, and no route's own code.
    const allowed = /^(plugins\/simulator\/(sms-simulator|admin-routes)|runtime\/(consent|simulated-messages)|sms\/[a-z-]+)\.js$/;
    assert.deepEqual(loaded.filter((f) => !allowed.test(f)), []);
    assert.ok(!loaded.some((f) => /^(store|http|nodes)\//.test(f) || f === 'plugins/simulator/admin-handlers.js'));
  });

  it('loads the database client when a store is opened (so the check above sees it)', function () {
    const store = path.join(__dirname, '..', 'dist', 'store', 'index.js');
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-startup-'));
    try {
      const open = `await require(${JSON.stringify(store)}).openStore({}, { userDir: ${JSON.stringify(userDir)}, log: { info() {}, warn() {} } }).then((s) => s.close());`;
      assert.ok(heavyLoadedBy(open).includes('lmdb'));
    } finally {
      fs.rmSync(userDir, { recursive: true, force: true });
    }
  });
});

/** The heavy packages a fresh Node process has loaded after running `code`. */
function heavyLoadedBy(code) {
  const script = `
    (async () => {
      ${code}
      const heavy = Object.keys(require.cache).filter((f) => ${HEAVY}.test(f) && /\\.c?js$/.test(f));
      process.stdout.write(JSON.stringify([...new Set(heavy.map((f) => ${HEAVY}.exec(f)[1]))]));
    })();`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
