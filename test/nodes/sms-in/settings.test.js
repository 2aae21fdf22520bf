'use strict';
// Settings that cannot work, deployed anyway, in a real runtime over real HTTP: an account of
// one provider on a node set to another answers every request with a sentence and says so on
// the node; two nodes on one path both say so, naming each other and their tabs.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');

const WARN = 30;
const ERROR = 20;

function logOf(id, level) {
  return rt.helper
    .log()
    .args.map(([entry]) => entry)
    .filter((e) => e && e.id === id && e.level === level)
    .map((e) => String(e.msg));
}

const admin = () => rt.helper.request();

describe('an sms account of another provider than the node\'s', function () {
  afterEach(() => rt.unload());
  after(() => rt.stopServer());

  const flow = [
    { id: 'tab-m', type: 'tab', label: 'Inbound' },
    { id: 'mm-acct', type: 'sms account', provider: 'twilio', name: 'My Twilio' },
    { id: 'mm-in', type: 'sms in', z: 'tab-m', account: 'mm-acct', provider: 'vonage-sms', path: '/mm/in', wires: [['mm-out']] },
    { id: 'mm-st', type: 'sms status', z: 'tab-m', account: 'mm-acct', provider: 'vonage-messages', path: '/mm/status', wires: [[]] },
    { id: 'mm-out', type: 'helper', z: 'tab-m' },
  ];
  const sentence =
    'this node\'s account "My Twilio" is for Twilio, but its provider is Vonage SMS API: nothing can be accepted until they match. ' +
    'Open the node and set Provider to Twilio or "Detect from the request", or choose a Vonage SMS API account';

  it('answers every request with a sentence (503, Retry-After) instead of Express\'s HTML 404, and emits nothing', async function () {
    const { url } = await rt.load(flow, { 'mm-acct': { authToken: 'tok' } });
    const out = rt.collector('mm-out');
    for (const res of [
      await rt.postForm(url('/mm/in'), { msisdn: '447700900001', to: '447700900002', messageId: '1A01', text: 'hi', type: 'text' }),
      await rt.send(`${url('/mm/in')}?msisdn=447700900001&to=447700900002&messageId=1A02&text=hi`, { method: 'GET' }),
    ]) {
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type'), /^text\/plain/);
      assert.equal(res.headers.get('retry-after'), '60');
      assert.equal(res.text, sentence);
    }
    assert.deepEqual(await out.idsAfterAMoment(), []);
    const status = await rt.postJson(url('/mm/status'), { message_uuid: 'x', status: 'delivered' });
    assert.equal(status.status, 503);
    assert.match(status.text, /is for Twilio, but its provider is Vonage Messages API/);
  });

  it('shows the mismatch on the node in a few words, counting what it refused, and logs the sentence', async function () {
    const { url } = await rt.load(flow, {});
    assert.deepEqual(rt.lastStatus('mm-in'), { fill: 'red', shape: 'ring', text: 'Twilio account, Vonage SMS API provider' });
    await rt.postForm(url('/mm/in'), { msisdn: '1', to: '2', messageId: '3', text: 'x' });
    assert.deepEqual(rt.lastStatus('mm-in'), { fill: 'red', shape: 'ring', text: 'Twilio account, Vonage SMS API provider · 1 rejected' });
    assert.deepEqual(logOf('mm-in', ERROR), [sentence]);
    assert.match(logOf('mm-in', WARN)[0], /refused a request \(HTTP 503\): this node's account "My Twilio" is for Twilio/);
  });

  it('the simulator says the sentence, not only the status code, and the sidebar list flags the node', async function () {
    await rt.load(flow, {});
    const res = await admin().post('/sms-simulator/send').send({ node: 'mm-in', text: 'HELP' }).expect(200);
    assert.equal(res.body.error, `the node answered HTTP 503: ${sentence}`);
    const { endpoints } = (await admin().get('/sms-simulator/endpoints').expect(200)).body;
    const row = endpoints.find((e) => e.id === 'mm-in');
    assert.equal(row.problem, sentence);
    assert.deepEqual(row.accepts, []);
  });
});

describe('two nodes on one path', function () {
  afterEach(() => rt.unload());
  after(() => rt.stopServer());

  const flow = [
    { id: 'tab-a', type: 'tab', label: 'Replies' },
    { id: 'tab-b', type: 'tab', label: 'Receipts' },
    { id: 'sp-in', type: 'sms in', z: 'tab-a', name: 'keywords', provider: 'auto', path: '/sp/shared', wires: [[]] },
    { id: 'sp-st', type: 'sms status', z: 'tab-b', provider: 'auto', path: 'sp/shared/', wires: [[]] },
    { id: 'sp-other', type: 'sms in', z: 'tab-a', provider: 'auto', path: '/sp/own', wires: [[]] },
  ];

  it('both warn on their status (yellow ring) and in the log, naming the other node and its tab', async function () {
    await rt.load(flow);
    assert.deepEqual(rt.lastStatus('sp-in'), { fill: 'yellow', shape: 'ring', text: 'path shared with sms status /sp/shared on tab "Receipts"' });
    assert.deepEqual(rt.lastStatus('sp-st'), { fill: 'yellow', shape: 'ring', text: 'path shared with sms in "keywords" on tab "Replies"' });
    assert.match(rt.lastStatus('sp-other').text, /^\/sp\/own/);
    assert.deepEqual(logOf('sp-in', WARN), [
      'another node listens on /sp/shared too (sms status /sp/shared on tab "Receipts"): only the one that started first gets the requests. Give each node its own path',
    ]);
    assert.equal(logOf('sp-st', WARN).length, 1);
  });

  it('the status keeps the warning as requests come in, and the sidebar list names the other node and its tab', async function () {
    const { url } = await rt.load(flow);
    await rt.postForm(url('/sp/shared'), { MessageSid: 'SM1', From: '+15551230001', To: '+15557650002', Body: 'hi' });
    assert.deepEqual(rt.lastStatus('sp-in'), { fill: 'yellow', shape: 'ring', text: 'path shared with sms status /sp/shared on tab "Receipts" · 1 received' });
    const { endpoints } = (await admin().get('/sms-simulator/endpoints').expect(200)).body;
    const row = endpoints.find((e) => e.id === 'sp-st');
    assert.deepEqual(row.sharedWith, [{ id: 'sp-in', type: 'sms in', name: 'keywords', tab: 'Replies', z: 'tab-a' }]);
    assert.deepEqual(endpoints.find((e) => e.id === 'sp-other').sharedWith, []);
  });
});
