'use strict';
// Refused webhooks are visible in the editor (SPEC §4), in a real runtime over real HTTP: the
// node's status turns to a yellow ring naming the last reason, counts kept, and the node
// warns once a minute per reason with the reason and, for a signature, the exact URL it was
// checked against — never the secret or the signature.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');
const { twilioSignature, signVonageSms } = require('../../support/sign');

const TOKEN = 'refused-test-auth-token';
const SECRET = 'refused-test-signature-secret';
const WARN = 30;

const twilioParams = (body = 'hello') => ({
  MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`,
  AccountSid: 'AC00000000000000000000000000000001',
  From: '+15551230001',
  To: '+15557650002',
  Body: body,
});

/** Every status the node showed since the flow was loaded. */
function statusesOf(id) {
  return rt.helper._NodePrototype.status
    .getCalls()
    .filter((c) => c.thisValue && c.thisValue.id === id)
    .map((c) => c.args[0]);
}

/** The warnings the node logged (what the debug sidebar and Node-RED's log show). */
function warningsOf(id) {
  return rt.helper
    .log()
    .args.map(([entry]) => entry)
    .filter((e) => e && e.id === id && e.level === WARN)
    .map((e) => String(e.msg));
}

describe('refused webhooks are visible on the node', function () {
  afterEach(() => rt.unload());
  after(() => rt.stopServer());

  const flow = (account = {}) => [
    { id: 'rf-acct', type: 'sms account', provider: 'twilio', name: 'Twilio', ...account },
    { id: 'rf-in', type: 'sms in', account: 'rf-acct', provider: 'twilio', path: '/rf/in', wires: [['rf-out']] },
    { id: 'rf-out', type: 'helper' },
  ];
  const creds = { 'rf-acct': { accountSid: 'AC00000000000000000000000000000001', authToken: TOKEN } };

  it('an unsigned request: 403, a yellow ring "403 unsigned request" with the count, and a warning naming the URL checked', async function () {
    const { url } = await rt.load(flow(), creds);
    const res = await rt.postForm(url('/rf/in'), twilioParams());
    assert.equal(res.status, 403);
    assert.deepEqual(rt.lastStatus('rf-in'), { fill: 'yellow', shape: 'ring', text: '403 unsigned request · 1 rejected' });
    const warnings = warningsOf('rf-in');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /refused a request \(HTTP 403\): signature check failed: missing X-Twilio-Signature header/);
    // The node rebuilt the URL from the request (no Public URL): the warning says which.
    assert.ok(warnings[0].includes(`checked against ${url('/rf/in')}`), warnings[0]);
    assert.match(warnings[0], /Public URL/);
    assert.ok(!warnings[0].includes(TOKEN), 'the auth token is never in a warning');
  });

  it('a wrong signature: "403 bad signature", warned once a minute however often it comes, never with the signature', async function () {
    const { url } = await rt.load(flow({ publicUrl: 'https://abc.example.app' }), creds);
    const signatures = [];
    for (let i = 0; i < 3; i++) {
      const params = twilioParams();
      const signature = twilioSignature('not-the-token', 'https://abc.example.app/rf/in', params);
      signatures.push(signature);
      assert.equal((await rt.postForm(url('/rf/in'), params, { 'X-Twilio-Signature': signature })).status, 403);
    }
    assert.deepEqual(rt.lastStatus('rf-in'), { fill: 'yellow', shape: 'ring', text: '403 bad signature · 3 rejected' });
    const warnings = warningsOf('rf-in');
    assert.equal(warnings.length, 1, 'one warning a minute for the same reason');
    assert.match(warnings[0], /signature does not match/);
    assert.ok(warnings[0].includes('checked against https://abc.example.app/rf/in'), warnings[0]);
    for (const signature of signatures) assert.ok(!warnings[0].includes(signature), 'the signature is never in a warning');
    assert.ok(!warnings[0].includes(TOKEN));

    // Another reason is warned at once; an accepted request turns the ring back into a dot.
    await rt.postForm(url('/rf/in'), twilioParams());
    assert.equal(warningsOf('rf-in').length, 2);
    const params = twilioParams();
    const good = await rt.postForm(url('/rf/in'), params, { 'X-Twilio-Signature': twilioSignature(TOKEN, 'https://abc.example.app/rf/in', params) });
    assert.equal(good.status, 200);
    assert.deepEqual(rt.lastStatus('rf-in'), { fill: 'green', shape: 'dot', text: '/rf/in · 4 rejected · 1 received' });
  });

  it('another provider\'s webhook and a malformed body: 400, named on the node and warned', async function () {
    const { url } = await rt.load(flow(), creds);
    const vonage = signVonageSms(SECRET, { msisdn: '447700900001', to: '447700900002', messageId: '1A0000001', text: 'hi', type: 'text' });
    assert.equal((await rt.postForm(url('/rf/in'), vonage)).status, 400);
    assert.equal(rt.lastStatus('rf-in').text, '400 Vonage SMS API request · 1 rejected');
    assert.equal((await rt.postJson(url('/rf/in'), '{"MessageSid": ')).status, 400);
    assert.deepEqual(rt.lastStatus('rf-in'), { fill: 'yellow', shape: 'ring', text: '400 invalid JSON · 2 rejected' });
    const warnings = warningsOf('rf-in');
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0], /HTTP 400\): this node expects a Twilio incoming-message webhook .* but the request looks like a Vonage SMS API inbound webhook/);
    assert.match(warnings[1], /HTTP 400\): invalid JSON/);
  });

  it('sms status shows and warns the same way', async function () {
    const { url } = await rt.load(
      [
        { id: 'rf-acct', type: 'sms account', provider: 'twilio', name: 'Twilio' },
        { id: 'rf-st', type: 'sms status', account: 'rf-acct', provider: 'auto', path: '/rf/status', wires: [[]] },
      ],
      creds,
    );
    const res = await rt.postForm(url('/rf/status'), { MessageSid: 'SM1', MessageStatus: 'delivered' });
    assert.equal(res.status, 403);
    assert.deepEqual(statusesOf('rf-st').at(-1), { fill: 'yellow', shape: 'ring', text: '403 unsigned request · 1 rejected' });
    assert.equal(warningsOf('rf-st').length, 1);
  });
});

describe('a Public URL with a path', function () {
  afterEach(() => rt.unload());
  after(() => rt.stopServer());

  it('is used without its path, so a request Twilio signed for the URL the node shows is accepted; the account warns', async function () {
    // What a user pastes: the webhook URL itself, path included.
    const account = { id: 'pu-acct', type: 'sms account', provider: 'twilio', name: 'Twilio', publicUrl: 'https://abc.example.app/sms/twilio/' };
    const { url } = await rt.load(
      [account, { id: 'pu-in', type: 'sms in', account: 'pu-acct', provider: 'twilio', path: '/sms/twilio', wires: [['pu-out']] }, { id: 'pu-out', type: 'helper' }],
      { 'pu-acct': { authToken: TOKEN } },
    );
    const out = rt.collector('pu-out');
    const params = twilioParams('HOURS');
    // Twilio signs the URL configured in its console: https://abc.example.app/sms/twilio.
    const res = await rt.postForm(url('/sms/twilio'), params, { 'X-Twilio-Signature': twilioSignature(TOKEN, 'https://abc.example.app/sms/twilio', params) });
    assert.equal(res.status, 200, res.text);
    assert.equal((await out.next()).payload, 'HOURS');
    assert.equal(rt.helper.getNode('pu-acct').publicUrl, 'https://abc.example.app');
    const warned = warningsOf('pu-acct');
    assert.equal(warned.length, 1);
    assert.match(warned[0], /Public URL "https:\/\/abc\.example\.app\/sms\/twilio\/" has a path: using https:\/\/abc\.example\.app\. Public URL is the scheme and host only/);
  });

  it('a Public URL that is not an http(s) address is ignored with a warning, and the request\'s own address is checked', async function () {
    const { url } = await rt.load(
      [
        { id: 'pu-acct', type: 'sms account', provider: 'twilio', publicUrl: 'abc.example.app' },
        { id: 'pu-in', type: 'sms in', account: 'pu-acct', provider: 'twilio', path: '/pu/in', wires: [[]] },
      ],
      { 'pu-acct': { authToken: TOKEN } },
    );
    assert.equal(rt.helper.getNode('pu-acct').publicUrl, undefined);
    assert.match(warningsOf('pu-acct')[0], /Public URL "abc\.example\.app" is not an address such as https:\/\/abc\.example\.app: ignored/);
    const params = twilioParams();
    const res = await rt.postForm(url('/pu/in'), params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url('/pu/in'), params) });
    assert.equal(res.status, 200);
  });
});
