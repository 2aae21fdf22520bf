'use strict';
// A real Node-RED runtime (node-red-node-test-helper) with this package's nodes, and a real
// HTTP server on 127.0.0.1 in front of RED.httpNode: helper.request() reaches only the
// admin app, so the node app is captured when the nodes register.
const http = require('node:http');
const path = require('node:path');
const helper = require('node-red-node-test-helper');

// NODE_RED_PATH runs the same suite against another Node-RED (CI: Node-RED 5 on Node 22).
const NODE_RED = process.env.NODE_RED_PATH ? require.resolve(process.env.NODE_RED_PATH) : require.resolve('node-red');
helper.init(NODE_RED);

const ROOT = path.join(__dirname, '..', '..');
const captured = { httpNode: null, RED: null };

function ours(file) {
  const register = require(path.join(ROOT, file));
  return function (RED) {
    captured.httpNode = RED.httpNode;
    captured.RED = RED;
    return register(RED);
  };
}

const CORE = {
  'http response': '@node-red/nodes/core/network/21-httpin.js',
  'http in': '@node-red/nodes/core/network/21-httpin.js',
  switch: '@node-red/nodes/core/function/10-switch.js',
  change: '@node-red/nodes/core/function/15-change.js',
  template: '@node-red/nodes/core/function/80-template.js',
  function: '@node-red/nodes/core/function/10-function.js',
  debug: '@node-red/nodes/core/common/21-debug.js',
  inject: '@node-red/nodes/core/common/20-inject.js',
  'link in': '@node-red/nodes/core/common/60-link.js',
  'link out': '@node-red/nodes/core/common/60-link.js',
  comment: '@node-red/nodes/core/common/90-comment.js',
};

/** This package's node and plugin modules (from package.json) plus the core ones the flow uses. */
function nodesFor(flow) {
  const pkg = require('../../package.json');
  const list = Object.values(pkg['node-red'].nodes).map(ours);
  // Plugins load like node modules here: the helper gives them the same RED API.
  for (const file of Object.values(pkg['node-red'].plugins || {})) list.push(require(path.join(ROOT, file)));
  const core = new Set(flow.map((n) => CORE[n.type]).filter(Boolean));
  for (const file of core) list.push(require(require.resolve(file, { paths: [NODE_RED] })));
  return list;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
let baseUrl;

async function startServer() {
  if (server) return;
  await helper.startServer();
  // RED.server (the helper's own server) serves RED.httpNode too, as in Node-RED, so what
  // the runtime posts to its own address (the SMS simulator) reaches the nodes.
  helper._app.use((req, res, next) => (captured.httpNode ? captured.httpNode(req, res, next) : next()));
  server = http.createServer((req, res) => {
    if (!captured.httpNode) {
      res.statusCode = 503;
      return res.end('no flow loaded');
    }
    return captured.httpNode(req, res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
}

async function stopServer() {
  if (!server) return;
  await new Promise((resolve) => server.close(resolve));
  server = undefined;
  await helper.stopServer();
}

let loaded = false;

async function load(flow, credentials) {
  await startServer();
  // A test may load a flow of its own on top of the one its beforeEach loaded.
  if (loaded) await unload();
  loaded = true;
  await helper.load(nodesFor(flow), flow, credentials || {});
  return { url: (p) => baseUrl + p, getNode: (id) => helper.getNode(id) };
}

/**
 * Empties the opt-out lists, as a fresh Node-RED would have them: the runtime's store outlives
 * one test's flow, and tests reuse sender numbers (a STOP in one would silence the next).
 */
async function clearOptOutLists() {
  try {
    const { body } = await helper.request().get('/sms-consent/lists');
    for (const { key } of body.accounts || []) {
      const listed = await helper.request().get('/sms-consent/lists').query({ account: key });
      for (const { number } of listed.body.entries || []) await helper.request().post('/sms-consent/remove').send({ account: key, number });
    }
  } catch {
    // No runtime, or no store: nothing to clear.
  }
}

async function unload() {
  loaded = false;
  await clearOptOutLists();
  await helper.unload();
  captured.httpNode = null;
}

/** A helper node that collects what reaches it; `next()` resolves with the next message. */
function collector(id) {
  const node = helper.getNode(id);
  const messages = [];
  const waiting = [];
  node.on('input', (msg) => {
    const w = waiting.shift();
    if (w) w(msg);
    else messages.push(msg);
  });
  return {
    messages,
    /** Drops what a test that failed half-way left behind (delivery is asynchronous). */
    async clear() {
      await sleep(20);
      messages.length = 0;
    },
    /** Resolves to the ids of messages that reached the node since the last clear, after a moment. */
    async idsAfterAMoment(ms = 50) {
      await sleep(ms);
      return messages.map((m) => (m.sms ? m.sms.messageId : m.status && m.status.messageId));
    },
    next(timeoutMs = 2000) {
      if (messages.length) return Promise.resolve(messages.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no message reached ${id} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((m) => {
          clearTimeout(t);
          resolve(m);
        });
      });
    },
  };
}

/** Real HTTP: `{status, headers, text}`. */
async function send(url, { method = 'POST', headers = {}, body } = {}) {
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function postForm(url, params, headers = {}) {
  return send(url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

function postJson(url, body, headers = {}) {
  return send(url, {
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The last status a node showed (`{fill, shape, text}`), or undefined. */
function lastStatus(id) {
  const spy = helper._NodePrototype.status;
  const calls = spy && spy.getCalls ? spy.getCalls().filter((c) => c.thisValue && c.thisValue.id === id) : [];
  return calls.length ? calls[calls.length - 1].args[0] : undefined;
}

/**
 * Runtime settings (what settings.js would hold) for the flows loaded next, e.g.
 * `rt.settings({ smsMultipart: { expiryMs: 300 } })`; returns a function that removes them.
 */
function settings(values) {
  const target = helper.settings();
  Object.assign(target, values);
  return () => {
    for (const key of Object.keys(values)) delete target[key];
  };
}

/** The routes on RED.httpNode as `METHOD path` strings (middleware layers left out). */
function routes() {
  const app = captured.httpNode;
  // Express 4 creates `_router` with the first route; its `router` getter throws.
  const stack = (app && app._router && app._router.stack) || [];
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route.path}`));
}

/**
 * Mocha hooks for a describe block whose flows send through the fake provider on 127.0.0.1:
 * one fake for the block (handed to `use`), reset before each test, each test's flow unloaded
 * after it, and everything stopped at the end.
 */
function useFakeProvider(use) {
  // Required here: only suites that send through a provider need the fake.
  const { startFakeProvider } = require('./fake-provider');
  let fake;
  before(async () => {
    fake = await startFakeProvider();
    use(fake);
  });
  after(async () => {
    await fake.close();
    await stopServer();
  });
  beforeEach(() => fake.reset());
  afterEach(() => unload());
}

module.exports = {
  useFakeProvider,
  helper,
  captured,
  load,
  unload,
  startServer,
  stopServer,
  collector,
  send,
  postForm,
  postJson,
  sleep,
  lastStatus,
  settings,
  routes,
};
