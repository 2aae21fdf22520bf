'use strict';
// Redeploys must not leak routes: a node removes exactly its own GET and POST (by its
// handler, not by path), so the hundred-and-first route table equals the first (SPEC §4).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');

const vonage = () => ({ msisdn: '447700900001', to: '447700900002', messageId: crypto.randomBytes(8).toString('hex'), text: 'hi', type: 'text' });

function flow(nodes) {
  return [
    { id: 'rt-tab', type: 'tab', label: 'routes' },
    ...nodes.map((n) => ({ z: 'rt-tab', type: 'sms in', provider: 'auto', wires: [['rt-out']], ...n })),
    { id: 'rt-out', z: 'rt-tab', type: 'helper' },
  ];
}

describe('sms in — routes across redeploys', function () {
  after(() => rt.stopServer());
  afterEach(() => rt.unload());

  it('100 redeploys, each to a new path: one GET and one POST, on the current path only', async function () {
    const { url } = await rt.load(flow([{ id: 'rt-a', path: '/rt/0' }]));
    const first = rt.routes();
    assert.deepEqual(first, ['GET /rt/0', 'POST /rt/0']);
    const listeners = rt.captured.RED.events.listenerCount('flows:started');
    for (let i = 1; i <= 100; i++) {
      await rt.helper.setFlows(flow([{ id: 'rt-a', path: `/rt/${i}` }]), i % 2 ? 'full' : 'nodes');
    }
    assert.deepEqual(rt.routes(), ['GET /rt/100', 'POST /rt/100']);
    assert.equal(rt.captured.RED.events.listenerCount('flows:started'), listeners, 'no listener left behind');

    const out = rt.collector('rt-out');
    const params = vonage();
    assert.equal((await rt.postForm(url('/rt/100'), params)).status, 200);
    assert.equal((await out.next()).sms.messageId, params.messageId);
    for (const old of ['/rt/0', '/rt/1', '/rt/50', '/rt/99']) {
      assert.equal((await rt.postForm(url(old), vonage())).status, 404, `${old} is gone`);
      assert.equal((await rt.send(url(old), { method: 'GET' })).status, 404);
    }
  });

  it('a flow with twelve sms in nodes deploys without a MaxListenersExceededWarning in the log', async function () {
    const warnings = [];
    const onWarning = (w) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const before = rt.captured.RED ? rt.captured.RED.events.listenerCount('flows:started') : 0;
      await rt.load(flow(Array.from({ length: 12 }, (_, i) => ({ id: `rt-many-${i}`, path: `/rt/many/${i}` }))));
      await rt.helper.setFlows(flow(Array.from({ length: 12 }, (_, i) => ({ id: `rt-many-${i}`, path: `/rt/many/${i}`, name: 'again' }))), 'full');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
      assert.ok(rt.captured.RED.events.listenerCount('flows:started') <= Math.max(before, 0) + 4, 'a few listeners for the runtime, not some per node');
    } finally {
      process.removeListener('warning', onWarning);
    }
  });

  it('100 redeploys on the same path leave the table as it was', async function () {
    await rt.load(flow([{ id: 'rt-a', path: '/rt/same' }]));
    const first = rt.routes();
    for (let i = 1; i <= 100; i++) {
      await rt.helper.setFlows(flow([{ id: 'rt-a', path: '/rt/same', name: `v${i}` }]), i % 2 ? 'nodes' : 'full');
    }
    assert.deepEqual(rt.routes(), first);
  });

  it('two nodes on different paths: redeploying one keeps the other’s route', async function () {
    const { url } = await rt.load(flow([
      { id: 'rt-a', path: '/rt/a' },
      { id: 'rt-b', path: '/rt/b' },
    ]));
    await rt.helper.setFlows(
      flow([
        { id: 'rt-a', path: '/rt/a' },
        { id: 'rt-b', path: '/rt/b2' },
      ]),
      'nodes',
    );
    assert.deepEqual(rt.routes().sort(), ['GET /rt/a', 'GET /rt/b2', 'POST /rt/a', 'POST /rt/b2']);
    const out = rt.collector('rt-out');
    for (const p of ['/rt/a', '/rt/b2']) {
      const params = vonage();
      assert.equal((await rt.postForm(url(p), params)).status, 200, p);
      assert.equal((await out.next()).sms.messageId, params.messageId);
    }
    assert.equal((await rt.postForm(url('/rt/b'), vonage())).status, 404);
  });

  it('two nodes on the same path: removing one leaves the other’s route in place', async function () {
    const { url } = await rt.load(flow([
      { id: 'rt-a', path: '/rt/shared' },
      { id: 'rt-b', path: '/rt/shared' },
    ]));
    assert.equal(rt.routes().length, 4);
    await rt.helper.setFlows(flow([{ id: 'rt-b', path: '/rt/shared' }]), 'nodes');
    assert.deepEqual(rt.routes(), ['GET /rt/shared', 'POST /rt/shared']);
    const out = rt.collector('rt-out');
    const params = vonage();
    assert.equal((await rt.postForm(url('/rt/shared'), params)).status, 200);
    assert.equal((await out.next()).sms.messageId, params.messageId);
  });

  it('a path typed without a slash, or with a trailing one, is normalized', async function () {
    await rt.load(flow([
      { id: 'rt-a', path: 'rt/plain/' },
      { id: 'rt-b', path: '//rt//double' },
    ]));
    assert.deepEqual(rt.routes().sort(), ['GET /rt/double', 'GET /rt/plain', 'POST /rt/double', 'POST /rt/plain']);
  });

  it('no path or a missing account: no route, and the node says why', async function () {
    await rt.load(flow([
      { id: 'rt-a', path: '' },
      { id: 'rt-b', path: '/rt/b', account: 'rt-nowhere' },
    ]));
    assert.deepEqual(rt.routes(), []);
    assert.match(rt.lastStatus('rt-a').text, /no path/);
    assert.match(rt.lastStatus('rt-b').text, /account missing/);
  });

  it('sms status with a missing account does not listen either, rather than accept unchecked receipts', async function () {
    const { url } = await rt.load(flow([{ id: 'rt-s', type: 'sms status', path: '/rt/status', account: 'rt-nowhere' }]));
    assert.deepEqual(rt.routes(), []);
    assert.match(rt.lastStatus('rt-s').text, /account missing/);
    const res = await rt.postForm(url('/rt/status'), { MessageSid: 'SM1', MessageStatus: 'delivered' });
    assert.equal(res.status, 404);
  });
});
