'use strict';
// The SMS simulator's admin endpoints in a real runtime: each provider's webhook built,
// signed and posted over HTTP to the node's own endpoint, the reply read back, and
// replies to simulated messages kept away from the provider.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');
const { signVonageSms, vonageMessagesJwt } = require('../../support/sign');
const { exampleOnTab } = require('../../../scripts/lib/node-red-home');

const TOKEN = 'twilio-token-for-simulator-tests';
const SIG_SECRET = 'vonage-signature-secret-for-simulator';
const HELP_ANSWER = 'Text HOURS for opening hours or PRICE for prices. Text STOP to opt out.';

const EXAMPLES = {
  twilio: { file: '01 Keyword auto-responder - Twilio' },
  'vonage-messages': { file: '02 Keyword auto-responder - Vonage Messages API' },
  'vonage-sms': { file: '03 Keyword auto-responder - Vonage SMS API' },
};

/** The shipped example, its account pointed at the fake provider, plus an sms status node. */
function exampleWithStatus(provider, fakeUrl, accountExtra = {}) {
  const { file } = EXAMPLES[provider];
  // On a tab, as the editor imports it: placed nodes without one would not start.
  const flow = exampleOnTab(file, { id: 'tab', label: file }).map((n) => (n.type === 'sms account' ? { ...n, apiHost: fakeUrl, ...accountExtra } : n));
  const accountId = flow.find((n) => n.type === 'sms account').id;
  flow.push(
    { id: 'status', type: 'sms status', z: 'tab', account: accountId, provider: 'auto', path: `/sms/status-${provider}`, wires: [['receipts']] },
    { id: 'receipts', type: 'helper', z: 'tab' },
  );
  return { flow, accountId, inId: flow.find((n) => n.type === 'sms in').id };
}

const SECRETS = {
  twilio: { accountSid: 'AC00000000000000000000000000000042', authToken: TOKEN },
  'vonage-messages': { apiKey: 'key', apiSecret: 'secret', signatureSecret: SIG_SECRET },
  'vonage-sms': { apiKey: 'key', apiSecret: 'secret', signatureSecret: SIG_SECRET },
};

function admin() {
  return rt.helper.request();
}

/** Comms messages the runtime publishes, as the editor would receive them. */
function commsSpy() {
  const seen = [];
  const listener = (event) => seen.push(event);
  rt.captured.RED.events.on('comms', listener);
  return { seen, stop: () => rt.captured.RED.events.removeListener('comms', listener) };
}

describe('SMS simulator (admin endpoints)', function () {
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });

  it('lists the deployed sms in and sms status nodes with their paths, and never the secrets', async function () {
    const { flow, accountId } = exampleWithStatus('twilio', fake.url);
    await rt.load(flow, { [accountId]: SECRETS.twilio });
    const res = await admin().get('/sms-simulator/endpoints').expect(200);
    const rows = res.body.endpoints.map((e) => `${e.type} ${e.provider} ${e.fullPath} ${e.signed}`);
    assert.deepEqual(rows, ['sms in twilio /sms/twilio true', 'sms status auto /sms/status-twilio true']);
    assert.ok(!JSON.stringify(res.body).includes(TOKEN));
    assert.ok(!JSON.stringify(res.body).includes(SECRETS.twilio.accountSid));
  });

  it('tells an open sidebar once each time flows have started, so it lists the endpoints running then', async function () {
    const twilio = exampleWithStatus('twilio', fake.url);
    await rt.load(twilio.flow, { [twilio.accountId]: SECRETS.twilio });
    const comms = commsSpy();
    try {
      // A deploy: the plugin registers again with the nodes (as in the test helper), and must
      // still say it once, not once per registration.
      const vonage = exampleWithStatus('vonage-sms', fake.url);
      await rt.load(vonage.flow, { [vonage.accountId]: SECRETS['vonage-sms'] });
      const told = comms.seen.filter((c) => c.topic === 'sms-simulator/endpoints');
      assert.equal(told.length, 1);
      const res = await admin().get('/sms-simulator/endpoints').expect(200);
      assert.deepEqual(
        res.body.endpoints.map((e) => e.fullPath),
        ['/sms/vonage-sms', '/sms/status-vonage-sms'],
      );
    } finally {
      comms.stop();
    }
  });

  for (const provider of Object.keys(EXAMPLES)) {
    describe(provider, function () {
      it('sends HELP signed with the account secret; the node accepts it and the keyword reply comes back, not to the provider', async function () {
        const { flow, accountId, inId } = exampleWithStatus(provider, fake.url);
        await rt.load(flow, { [accountId]: SECRETS[provider] });
        const comms = commsSpy();
        try {
          const res = await admin().post('/sms-simulator/send').send({ node: inId, from: '+15551230001', text: 'HELP' }).expect(200);
          assert.equal(res.body.error, undefined);
          assert.equal(res.body.provider, provider);
          assert.equal(res.body.status, 200);
          assert.equal(res.body.signed, true);
          assert.equal(res.body.replies.length, 1);
          const [reply] = res.body.replies;
          assert.equal(reply.text, HELP_ANSWER);
          assert.equal(reply.to, '+15551230001');
          assert.equal(reply.via, provider === 'twilio' ? 'twiml' : 'api');
          assert.equal(reply.inReplyTo, res.body.messageId);
          const published = comms.seen.filter((c) => c.topic === 'sms-simulator/reply');
          assert.deepEqual(published.map((c) => c.data.text), [HELP_ANSWER]);
        } finally {
          comms.stop();
        }
        await rt.sleep(100);
        assert.deepEqual(fake.requests, [], 'a simulated message must not reach the provider');
      });

      it('a flow that rebuilds the message (msg.req dropped) still hands the reply to the simulator, never the provider', async function () {
        const { flow, accountId, inId } = exampleWithStatus(provider, fake.url);
        // A function node between sms in and the switch that keeps only payload and sms.
        const rebuild = { id: 'rebuild', type: 'function', z: 'tab', func: 'return { payload: msg.payload, sms: msg.sms };', outputs: 1, wires: [] };
        const smsIn = flow.find((n) => n.id === inId);
        rebuild.wires = smsIn.wires;
        smsIn.wires = [['rebuild']];
        // Without msg.res no TwiML answer can be given: Twilio's webhook is answered empty after
        // the reply window, and the reply goes out as a late one — to the simulator.
        smsIn.replyTimeout = 1;
        this.timeout(10_000);
        await rt.load([...flow, rebuild], { [accountId]: SECRETS[provider] });
        const res = await admin().post('/sms-simulator/send').send({ node: inId, from: '+15551230001', text: 'HELP' }).expect(200);
        assert.equal(res.body.error, undefined);
        assert.equal(res.body.replies.length, 1);
        assert.equal(res.body.replies[0].text, HELP_ANSWER);
        await rt.sleep(100);
        assert.deepEqual(fake.requests, [], 'a simulated message must not reach the provider');
      });

      it('STOP, which the example answers with nothing by design, comes back as "no reply sent", not as a reply to wait for', async function () {
        const { flow, accountId, inId } = exampleWithStatus(provider, fake.url);
        await rt.load(flow, { [accountId]: SECRETS[provider] });
        const res = await admin().post('/sms-simulator/send').send({ node: inId, from: '+15551230001', text: 'STOP' }).expect(200);
        assert.equal(res.body.error, undefined);
        assert.equal(res.body.replies.length, 1, JSON.stringify(res.body));
        const [none] = res.body.replies;
        assert.equal(none.none, true);
        assert.equal(none.inReplyTo, res.body.messageId);
        assert.equal(none.text, '');
        await rt.sleep(100);
        assert.deepEqual(fake.requests, []);
        // On the list sms send checks for this account (the Messages API's from the token's api_key).
        const list = provider === 'twilio' ? `twilio:${SECRETS.twilio.accountSid}` : `vonage:${SECRETS[provider].apiKey}`;
        const listed = await admin().get('/sms-consent/lists').query({ account: list }).expect(200);
        assert.deepEqual(
          listed.body.entries.map((e) => e.number),
          ['+15551230001'],
          `a simulated STOP must land on ${list}`,
        );
      });

      it('the node really checks: the same kind of request without a signature is refused with 403', async function () {
        const { flow, accountId } = exampleWithStatus(provider, fake.url);
        const { url } = await rt.load(flow, { [accountId]: SECRETS[provider] });
        const path = { twilio: '/sms/twilio', 'vonage-messages': '/sms/vonage', 'vonage-sms': '/sms/vonage-sms' }[provider];
        const unsigned =
          provider === 'twilio'
            ? await rt.postForm(url(path), { MessageSid: 'SM1', From: '+15551230001', To: '+15557650002', Body: 'HELP' })
            : provider === 'vonage-sms'
              ? await rt.postForm(url(path), { msisdn: '15551230001', to: '15557650002', messageId: 'X1', text: 'HELP', type: 'text' })
              : await rt.postJson(url(path), { channel: 'sms', message_type: 'text', message_uuid: 'u1', from: '15551230001', to: '15557650002', text: 'HELP' });
        assert.equal(unsigned.status, 403);
      });

      it('a simulated delivery receipt reaches the sms status node in this provider\'s format, signed', async function () {
        const { flow, accountId, inId } = exampleWithStatus(provider, fake.url);
        await rt.load(flow, { [accountId]: SECRETS[provider] });
        const receipts = rt.collector('receipts');
        const sent = await admin().post('/sms-simulator/send').send({ node: inId, text: 'HELP' }).expect(200);
        const [reply] = sent.body.replies;
        const res = await admin()
          .post('/sms-simulator/receipt')
          .send({ node: 'status', messageId: reply.messageId, to: reply.to, from: reply.from, outcome: 'failed', provider: sent.body.provider })
          .expect(200);
        assert.equal(res.body.error, undefined);
        assert.equal(res.body.provider, provider);
        const msg = await receipts.next();
        assert.equal(msg.payload, 'failed');
        assert.equal(msg.status.provider, provider);
        assert.equal(msg.status.messageId, reply.messageId);
        assert.equal(msg.status.final, true);
        assert.equal(msg.status.to, '+15551230001');
      });
    });
  }

  it('an sms in with provider auto and no account gets a Twilio webhook', async function () {
    const flow = [
      { id: 'in', type: 'sms in', provider: 'auto', path: '/sms/auto', wires: [['reply']] },
      { id: 'reply', type: 'sms reply', text: 'You said {{payload}}', wires: [[]] },
    ];
    await rt.load(flow);
    const res = await admin().post('/sms-simulator/send').send({ node: 'in', text: 'hi there' }).expect(200);
    assert.equal(res.body.provider, 'twilio');
    assert.equal(res.body.signed, false);
    assert.deepEqual(res.body.replies.map((r) => r.text), ['You said hi there']);
    // The sidebar may ask for another format the node accepts; without an account, any.
    const vonage = await admin().post('/sms-simulator/send').send({ node: 'in', text: 'hi', provider: 'vonage-sms' }).expect(200);
    assert.equal(vonage.body.provider, 'vonage-sms');
    assert.deepEqual(vonage.body.replies.map((r) => [r.text, r.via]), [['You said hi', 'api']]);
  });

  it('an sms in with provider auto and a Twilio account ignores a request for a Vonage format', async function () {
    const flow = [
      { id: 'acct', type: 'sms account', provider: 'twilio' },
      { id: 'in', type: 'sms in', account: 'acct', provider: 'auto', path: '/sms/auto-twilio', wires: [['reply']] },
      { id: 'reply', type: 'sms reply', text: 'ok', wires: [[]] },
    ];
    await rt.load(flow, { acct: { authToken: TOKEN } });
    const res = await admin().post('/sms-simulator/send').send({ node: 'in', text: 'hi', provider: 'vonage-messages' }).expect(200);
    assert.equal(res.body.provider, 'twilio');
    assert.equal(res.body.status, 200);
  });

  it('signs Twilio over the public URL when the account has one, as the node checks it behind a tunnel', async function () {
    const { flow, accountId, inId } = exampleWithStatus('twilio', fake.url, { publicUrl: 'https://abc.example.app' });
    await rt.load(flow, { [accountId]: SECRETS.twilio });
    const res = await admin().post('/sms-simulator/send').send({ node: inId, text: 'help' }).expect(200);
    assert.equal(res.body.status, 200);
    assert.deepEqual(res.body.replies.map((r) => r.text), [HELP_ANSWER]);
  });

  it('a reply after Twilio\'s reply window goes to the simulator, not the REST API', async function () {
    const flow = [
      { id: 'acct', type: 'sms account', provider: 'twilio', apiHost: fake.url },
      { id: 'in', type: 'sms in', account: 'acct', provider: 'twilio', path: '/sms/late', replyTimeout: 1, wires: [['slow']] },
      { id: 'slow', type: 'function', func: 'setTimeout(() => node.send(msg), 1300); return null;', outputs: 1, wires: [['reply']] },
      { id: 'reply', type: 'sms reply', text: 'late answer', wires: [[]] },
    ];
    await rt.load(flow, { acct: SECRETS.twilio });
    const comms = commsSpy();
    try {
      const res = await admin().post('/sms-simulator/send').send({ node: 'in', text: 'slow' }).expect(200);
      assert.deepEqual(res.body.replies, [], 'the webhook was answered with an empty <Response/>');
      await rt.sleep(800);
      const published = comms.seen.filter((c) => c.topic === 'sms-simulator/reply').map((c) => c.data);
      assert.deepEqual(published.map((r) => [r.text, r.via, r.inReplyTo]), [['late answer', 'api', res.body.messageId]]);
    } finally {
      comms.stop();
    }
    assert.deepEqual(fake.requests, []);
  });

  describe('cannot be forged from outside', function () {
    /** Two sms in nodes on one reply: the second has its own memory, so a reused id is not a retry. */
    function twoInlets(provider) {
      return [
        { id: 'acct', type: 'sms account', provider: 'vonage', apiHost: fake.url },
        { id: 'sim', type: 'sms in', account: 'acct', provider, path: '/sms/a', wires: [['reply']] },
        { id: 'outside', type: 'sms in', account: 'acct', provider, path: '/sms/b', wires: [['reply']] },
        { id: 'reply', type: 'sms reply', text: 'real reply', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ];
    }
    const creds = { acct: SECRETS['vonage-messages'] };

    it('a real Messages API message with a simulated id and a made-up simulation header still gets its real reply', async function () {
      const { url } = await rt.load(twoInlets('vonage-messages'), creds);
      const out = rt.collector('out');
      const sim = await admin().post('/sms-simulator/send').send({ node: 'sim', text: 'HELP' }).expect(200);
      assert.equal(sim.body.replies.length, 1);
      await out.next();
      assert.deepEqual(fake.requests, []);

      const body = JSON.stringify({
        channel: 'sms',
        message_type: 'text',
        message_uuid: sim.body.messageId,
        from: '15551230001',
        to: '15557650002',
        text: 'HELP',
      });
      const res = await rt.postJson(url('/sms/b'), body, {
        authorization: `Bearer ${vonageMessagesJwt(SIG_SECRET, body)}`,
        'x-sms-simulation': crypto.randomBytes(32).toString('hex'),
      });
      assert.equal(res.status, 200);
      const msg = await out.next();
      assert.equal(msg.sms.messageId, sim.body.messageId);
      assert.equal(msg.sms.reply.text, 'real reply');
      assert.equal(fake.requests.length, 1, 'the real reply went to the provider');
      assert.equal(fake.requests[0].route, 'vonage-messages');
      assert.equal(fake.requests[0].body.text, 'real reply');
    });

    it('the sms reply status follows each reply: sent, then simulated, then sent again', async function () {
      const { url } = await rt.load(twoInlets('vonage-messages'), creds);
      const out = rt.collector('out');
      const real = async (uuid) => {
        const body = JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: uuid, from: '15551230001', to: '15557650002', text: 'hi' });
        await rt.postJson(url('/sms/b'), body, { authorization: `Bearer ${vonageMessagesJwt(SIG_SECRET, body)}` });
        await out.next();
      };
      await real(crypto.randomUUID());
      assert.equal(rt.lastStatus('reply').text, 'sent');
      await admin().post('/sms-simulator/send').send({ node: 'sim', text: 'HELP' }).expect(200);
      await out.next();
      assert.equal(rt.lastStatus('reply').text, 'simulated');
      await real(crypto.randomUUID());
      assert.equal(rt.lastStatus('reply').text, 'sent');
      assert.equal(fake.requests.length, 2, 'both real replies went to the provider');
    });

    it('a real SMS API message carrying the header of another simulated message still gets its real reply', async function () {
      const { url } = await rt.load(twoInlets('vonage-sms'), { acct: SECRETS['vonage-sms'] });
      const out = rt.collector('out');
      const sim = await admin().post('/sms-simulator/send').send({ node: 'sim', text: 'HELP' }).expect(200);
      await out.next();
      // Whatever an outsider sends in the header, an id of its own is not on the simulator's list.
      const params = signVonageSms(SIG_SECRET, { msisdn: '15551230001', to: '15557650002', messageId: 'OUTSIDE0001', text: 'HELP', type: 'text' });
      const res = await rt.postForm(url('/sms/b'), params, { 'x-sms-simulation': 'f'.repeat(64) });
      assert.equal(res.status, 200);
      await out.next();
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].route, 'vonage-sms');
      assert.ok(sim.body.messageId);
    });
  });

  it('a flow with nothing wired to answer comes back as "no reply sent" at once', async function () {
    const flow = [
      { id: 'tab', type: 'tab', label: 'no answer' },
      { id: 'bare-in', type: 'sms in', z: 'tab', provider: 'auto', path: '/sms/bare', wires: [['log']] },
      { id: 'log', type: 'helper', z: 'tab' },
    ];
    await rt.load(flow);
    for (const provider of ['twilio', 'vonage-messages']) {
      const res = await admin().post('/sms-simulator/send').send({ node: 'bare-in', text: 'hello', provider }).expect(200);
      assert.equal(res.body.provider, provider);
      assert.deepEqual(res.body.replies.map((r) => r.none), [true], `${provider}: ${JSON.stringify(res.body)}`);
    }
  });

  it('a receipt for a Twilio reply is not sent to an sms status node that takes only Vonage receipts', async function () {
    const { flow, accountId, inId } = exampleWithStatus('twilio', fake.url);
    flow.push(
      { id: 'vonage-acct', type: 'sms account', provider: 'vonage', name: 'Vonage' },
      { id: 'vonage-status', type: 'sms status', z: 'tab', account: 'vonage-acct', provider: 'vonage-sms', path: '/sms/vonage-receipts', wires: [['receipts']] },
    );
    await rt.load(flow, { [accountId]: SECRETS.twilio });
    const receipts = rt.collector('receipts');
    const { endpoints } = (await admin().get('/sms-simulator/endpoints').expect(200)).body;
    assert.deepEqual(endpoints.filter((e) => e.type === 'sms status').map((e) => [e.id, e.accepts]), [
      ['status', ['twilio']],
      ['vonage-status', ['vonage-sms']],
    ]);
    const sent = await admin().post('/sms-simulator/send').send({ node: inId, text: 'HELP' }).expect(200);
    const [reply] = sent.body.replies;
    const res = await admin()
      .post('/sms-simulator/receipt')
      .send({ node: 'vonage-status', messageId: reply.messageId, to: reply.to, from: reply.from, outcome: 'delivered', provider: 'twilio' })
      .expect(400);
    assert.equal(res.body.error, 'the sms status node /sms/vonage-receipts does not take Twilio receipts: choose an sms status node for the provider of the reply');
    assert.deepEqual(await receipts.idsAfterAMoment(), []);
  });

  it('refuses a node that is not a deployed sms in, a message longer than 1600 characters, and an unknown receipt outcome', async function () {
    const { flow, accountId, inId } = exampleWithStatus('twilio', fake.url);
    await rt.load(flow, { [accountId]: SECRETS.twilio });
    const missing = await admin().post('/sms-simulator/send').send({ node: 'nope', text: 'HELP' }).expect(404);
    assert.match(missing.body.error, /deploy the flow/);
    await admin().post('/sms-simulator/send').send({ node: 'status', text: 'HELP' }).expect(404);
    const long = await admin().post('/sms-simulator/send').send({ node: inId, text: 'x'.repeat(1601) }).expect(400);
    assert.match(long.body.error, /1600/);
    const receipt = { node: 'status', messageId: 'SM1', to: '+15551230001', from: '+15557650002', outcome: 'read' };
    const odd = await admin().post('/sms-simulator/receipt').send(receipt).expect(400);
    assert.match(odd.body.error, /outcome must be one of delivered, undelivered, failed/);
    assert.deepEqual(fake.requests, []);
  });
});
