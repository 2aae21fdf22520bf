'use strict';
// Twilio holds the HTTP call for the flow's answer: an answering node within replyTimeout
// wins, otherwise the node answers <Response/> itself; a flow that cannot answer is
// answered at once (SPEC §4).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');

const twilioSid = () => `SM${crypto.randomBytes(16).toString('hex')}`;
const params = () => ({ MessageSid: twilioSid(), AccountSid: 'AC1', From: '+14155550100', To: '+14155550199', Body: 'hi' });
const TWIML = '<Response><Message>Open 9-5</Message></Response>';

async function timed(promise) {
  const started = Date.now();
  const res = await promise;
  return { ...res, ms: Date.now() - started };
}

function assertEmptyTwiml(res) {
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/xml/);
  assert.match(res.text, /<Response\/>/);
}

describe('sms in — Twilio reply timeout over HTTP', function () {
  after(() => rt.stopServer());
  afterEach(() => rt.unload());

  it('a flow that could answer but does not: <Response/> after replyTimeout (1 s)', async function () {
    const { url } = await rt.load([
      { id: 'to-in', type: 'sms in', provider: 'twilio', path: '/to/in', replyTimeout: 1, wires: [['to-fn']] },
      { id: 'to-fn', type: 'function', func: 'return null;', outputs: 1, wires: [['to-resp']] },
      { id: 'to-resp', type: 'http response', wires: [] },
    ]);
    const res = await timed(rt.postForm(url('/to/in'), params()));
    assertEmptyTwiml(res);
    assert.ok(res.ms >= 900, `held for the timeout (${res.ms} ms)`);
    assert.ok(res.ms < 3000, `answered soon after it (${res.ms} ms)`);
  });

  it('a flow from which nothing can answer: <Response/> at once', async function () {
    const { url } = await rt.load([
      { id: 'to-in', type: 'sms in', provider: 'twilio', path: '/to/in', replyTimeout: 10, wires: [['to-fn']] },
      { id: 'to-fn', type: 'function', func: 'return msg;', outputs: 1, wires: [['to-out']] },
      { id: 'to-out', type: 'helper' },
    ]);
    const out = rt.collector('to-out');
    const res = await timed(rt.postForm(url('/to/in'), params()));
    assertEmptyTwiml(res);
    assert.ok(res.ms < 500, `answered at once (${res.ms} ms)`);
    await out.next();
  });

  it('an sms in with no wires at all: <Response/> at once', async function () {
    const { url } = await rt.load([{ id: 'to-in', type: 'sms in', provider: 'twilio', path: '/to/in', replyTimeout: 10, wires: [] }]);
    const res = await timed(rt.postForm(url('/to/in'), params()));
    assertEmptyTwiml(res);
    assert.ok(res.ms < 500, `answered at once (${res.ms} ms)`);
  });

  it('core http response answering within the window wins', async function () {
    const { url } = await rt.load([
      { id: 'to-in', type: 'sms in', provider: 'twilio', path: '/to/in', replyTimeout: 1, wires: [['to-wait']] },
      // Answers after 300 ms, well inside the 1 s window.
      { id: 'to-wait', type: 'function', func: `setTimeout(() => { msg.payload = ${JSON.stringify(TWIML)}; node.send(msg); }, 300); return null;`, outputs: 1, wires: [['to-resp']] },
      { id: 'to-resp', type: 'http response', headers: { 'content-type': 'text/xml' }, wires: [] },
    ]);
    const res = await timed(rt.postForm(url('/to/in'), params()));
    assert.equal(res.status, 200);
    assert.equal(res.text, TWIML);
    assert.ok(res.ms >= 250 && res.ms < 900, `the flow's answer, not the timeout (${res.ms} ms)`);
  });

  it('an answer reached only through a catch node is waited for', async function () {
    const { url } = await rt.load([
      { id: 'to-tab', type: 'tab', label: 'sms' },
      { id: 'to-in', z: 'to-tab', type: 'sms in', provider: 'twilio', path: '/to/in', replyTimeout: 2, wires: [['to-bad']] },
      { id: 'to-bad', z: 'to-tab', type: 'function', func: 'throw new Error("lookup failed");', outputs: 1, wires: [[]] },
      { id: 'to-catch', z: 'to-tab', type: 'catch', scope: ['to-bad'], uncaught: false, wires: [['to-sorry']] },
      {
        id: 'to-sorry',
        z: 'to-tab',
        type: 'change',
        rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '<Response><Message>Sorry, try later</Message></Response>', tot: 'str' }],
        wires: [['to-resp']],
      },
      { id: 'to-resp', z: 'to-tab', type: 'http response', headers: { 'content-type': 'text/xml' }, wires: [] },
    ]);
    const res = await timed(rt.postForm(url('/to/in'), params()));
    assert.equal(res.status, 200);
    assert.match(res.text, /Sorry, try later/);
    assert.ok(res.ms < 1500, `answered by the catch path, not the timeout (${res.ms} ms)`);
  });

  it('a held call is answered <Response/> when the node is redeployed', async function () {
    const flow = (timeout) => [
      { id: 'to-in', type: 'sms in', provider: 'twilio', path: '/to/in', replyTimeout: timeout, wires: [['to-fn']] },
      { id: 'to-fn', type: 'function', func: 'return null;', outputs: 1, wires: [['to-resp']] },
      { id: 'to-resp', type: 'http response', wires: [] },
    ];
    const { url } = await rt.load(flow(10));
    const pending = timed(rt.postForm(url('/to/in'), params()));
    await rt.sleep(200);
    await rt.helper.setFlows(flow(9), 'full');
    const res = await pending;
    assertEmptyTwiml(res);
    assert.ok(res.ms < 2000, `answered on close, not after 10 s (${res.ms} ms)`);
  });
});
