'use strict';
// sms send on the wire beyond Twilio's happy path: a STOP taken by a signed `sms in` webhook
// keeps the next send from leaving, and Vonage (Messages API and SMS API) through the real
// SDK to the fake provider on 127.0.0.1.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('../../support/sign');
const { acquireStore, releaseStore } = require('../../../dist/runtime/sms-store');
const { StoreUnavailableError } = require('../../../dist/store');

describe('sms send on the wire', function () {
  this.timeout(60000);
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });

  it('a signed STOP through sms in, then a send to that number: output 2 opted-out and no request at the fake', async function () {
    const flow = [
      { id: 'acct', type: 'sms account', name: 'twilio', provider: 'twilio', apiHost: fake.url, country: 'US' },
      { id: 'in', type: 'sms in', account: 'acct', provider: 'auto', path: '/sms/stop-then-send', replyTimeout: 10, wires: [[]] },
      { id: 'send', type: 'sms send', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'Sale today', textType: 'str', wires: [['sent'], ['notSent']] },
      { id: 'sent', type: 'helper' },
      { id: 'notSent', type: 'helper' },
    ];
    const { url, getNode } = await rt.load(flow, { acct: { accountSid: 'AC00000000000000000000000000000001', authToken: 'tok' } });
    const sent = rt.collector('sent');
    const notSent = rt.collector('notSent');
    const stop = { MessageSid: `SM${Date.now()}`, AccountSid: 'AC00000000000000000000000000000001', From: '+15551230091', To: '+15557650002', Body: 'STOP' };
    const res = await rt.postForm(url('/sms/stop-then-send'), stop, { 'X-Twilio-Signature': twilioSignature('tok', url('/sms/stop-then-send'), stop) });
    assert.equal(res.status, 200);
    getNode('send').receive({ to: ['(555) 123-0091', '+15551230092'] });
    const out = await notSent.next(10000);
    assert.equal(out.sms.notSent.reason, 'opted-out');
    assert.equal(out.sms.notSent.to, '+15551230091');
    assert.equal((await sent.next(10000)).topic, '+15551230092');
    assert.deepEqual(fake.requests.filter((r) => r.route === 'twilio').map((r) => r.body.To), ['+15551230092'], 'no request for the opted-out number');
  });

  /** sms send → `sent`, its errors caught → `caught`: for the tests that make the store's writes fail. */
  const loadPartial = () =>
    rt.load(
      [
        { id: 'tab', type: 'tab', label: 'partial' },
        { id: 'acct', type: 'sms account', z: 'tab', name: 'twilio', provider: 'twilio', apiHost: fake.url, country: 'US' },
        { id: 'send', type: 'sms send', z: 'tab', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'News', textType: 'str', rate: '2000', wires: [['sent'], []] },
        { id: 'sent', type: 'helper', z: 'tab' },
        { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'tab' },
      ],
      { acct: { accountSid: 'AC00000000000000000000000000000001', authToken: 'tok' } },
    );

  /**
   * Runs `body` with the store's outbound `add` failing with `failure(call)` (1-based) when that
   * gives an error, and writing as usual otherwise; the store's own `add` is restored after.
   */
  async function withFailingAdd(failure, body) {
    const { getNode } = await loadPartial();
    const shared = acquireStore(rt.helper._RED);
    try {
      const store = await shared.ready;
      const add = store.outbound.add.bind(store.outbound);
      let calls = 0;
      let fail = failure;
      store.outbound.add = (jobs) => {
        const err = fail(++calls);
        return err ? Promise.reject(err) : add(jobs);
      };
      try {
        await body({ getNode, caught: rt.collector('caught'), failNext: (f) => (fail = f) });
      } finally {
        store.outbound.add = add;
      }
    } finally {
      await releaseStore(false);
    }
  }

  it('a broadcast whose store write fails part-way: the first step is queued and sent, and the error says how many were queued and how many were not', async function () {
    const to = Array.from({ length: 1200 }, (_, i) => `+1555123${String(i).padStart(4, '0')}`);
    let sendsSeen;
    await withFailingAdd(
      (call) => (call === 2 ? new Error('the sms store is full') : undefined),
      async ({ getNode, caught, failNext }) => {
        getNode('send').receive({ to });
        const err = await caught.next(10000);
        assert.match(err.error.message, /the sms store is full: 500 message\(s\) of this input were queued and will be sent, the other 700 were not queued/);
        failNext(() => undefined);
        const sends = () => fake.requests.filter((r) => r.route === 'twilio');
        for (let t = Date.now(); sends().length < 500 && Date.now() - t < 15000; ) await rt.sleep(50);
        await rt.sleep(300);
        sendsSeen = sends();
      },
    );
    // Sorted: 16 requests leave at once, and the fake sees them in the order they reach it.
    assert.deepEqual(sendsSeen.map((r) => r.body.To).sort(), to.slice(0, 500), 'the first 500 sent once each, and none of the others');
  });

  it('a broadcast whose store does not answer in time part-way: the error says the step it was writing may have been queued', async function () {
    const timedOut = () => new StoreUnavailableError('redis', 'adding jobs took longer than 500 ms');
    await withFailingAdd(
      (call) => (call === 2 ? timedOut() : undefined),
      async ({ getNode, caught, failNext }) => {
        getNode('send').receive({ to: Array.from({ length: 1200 }, (_, i) => `+1555124${String(i).padStart(4, '0')}`) });
        const err = await caught.next(10000);
        assert.match(err.error.message, /500 message\(s\) of this input were queued and will be sent, 500 more may have been queued \(the store did not say\) and will then be sent, the other 200 were not queued/);
        // The first step itself: nothing is known queued, and nobody is told to send them all again as if none were.
        failNext(timedOut);
        getNode('send').receive({ to: Array.from({ length: 700 }, (_, i) => `+1555125${String(i).padStart(4, '0')}`) });
        const first = await caught.next(10000);
        assert.match(first.error.message, /took longer than 500 ms: 500 message\(s\) of this input may have been queued \(the store did not say\) and will then be sent, the other 200 were not queued/);
      },
    );
  });

  describe('Vonage', function () {
    const flow = (api) => [
      { id: 'acct', type: 'sms account', name: 'vonage', provider: 'vonage', apiHost: fake.url, country: 'GB' },
      { id: 'send', type: 'sms send', account: 'acct', api, from: '447700900001', to: 'to', toType: 'msg', text: 'Hello {{name}}', textType: 'str', wires: [['sent'], ['notSent']] },
      { id: 'sent', type: 'helper' },
      { id: 'notSent', type: 'helper' },
    ];

    it('Messages API: a JWT-signed request per recipient, msg.sms.sent with the message_uuid and the clientRef', async function () {
      const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      const { getNode } = await rt.load(flow('messages'), { acct: { applicationId: 'app-1', privateKey } });
      const sent = rt.collector('sent');
      getNode('send').receive({ to: '07700 900123', name: 'Ann', clientRef: 'order-7' });
      const out = await sent.next(15000);
      const [req, ...more] = fake.requests.filter((r) => r.route === 'vonage-messages');
      assert.equal(more.length, 0);
      assert.equal(req.path, '/v1/messages');
      assert.match(req.headers.authorization, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      assert.deepEqual([req.body.channel, req.body.message_type, req.body.to, req.body.from, req.body.text], ['sms', 'text', '447700900123', '447700900001', 'Hello Ann']);
      assert.equal(out.sms.sent.provider, 'vonage-messages');
      assert.match(out.sms.sent.messageId, /^aaaaaaaa-bbbb-4ccc-8ddd-\d{12}$/);
      assert.equal(out.sms.sent.clientRef, 'order-7');
      assert.equal(req.body.client_ref, 'order-7', 'Vonage gets the clientRef as client_ref');
      assert.equal(out.topic, '+447700900123');
    });

    it('SMS API: a form with key and secret per recipient, msg.sms.sent with the message-id and the clientRef', async function () {
      const { getNode } = await rt.load(flow('sms'), { acct: { apiKey: 'key1', apiSecret: 'secret1' } });
      const sent = rt.collector('sent');
      getNode('send').receive({ to: '+44 7700 900124', name: 'Bo', clientRef: 'order-8' });
      const out = await sent.next(15000);
      const [req, ...more] = fake.requests.filter((r) => r.route === 'vonage-sms');
      assert.equal(more.length, 0);
      assert.equal(req.path, '/sms/json');
      assert.deepEqual([req.body.to, req.body.from, req.body.text], ['447700900124', '447700900001', 'Hello Bo']);
      assert.ok(req.body.api_key === 'key1' || req.headers.authorization === `Basic ${Buffer.from('key1:secret1').toString('base64')}`, 'authenticated with the key');
      assert.equal(out.sms.sent.provider, 'vonage-sms');
      assert.ok(out.sms.sent.messageId, 'the message-id the API gave');
      assert.equal(out.sms.sent.clientRef, 'order-8');
      assert.equal(req.body['client-ref'], 'order-8', 'Vonage gets the clientRef as client-ref');
    });

    it('a clientRef longer than Vonage takes (100 characters) is cut once, with a warning: msg.sms.sent.clientRef is what Vonage got, on both APIs', async function () {
      const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      const long = `order-${'x'.repeat(114)}`;
      for (const [api, creds, route, field] of [
        ['messages', { applicationId: 'app-1', privateKey }, 'vonage-messages', 'client_ref'],
        ['sms', { apiKey: 'key1', apiSecret: 'secret1' }, 'vonage-sms', 'client-ref'],
      ]) {
        const { getNode } = await rt.load(flow(api), { acct: creds });
        const sent = rt.collector('sent');
        const start = fake.requests.length;
        getNode('send').receive({ to: ['+44 7700 900125', '+44 7700 900126'], name: 'Cy', clientRef: long });
        const outs = [await sent.next(15000), await sent.next(15000)];
        const reqs = fake.requests.slice(start).filter((r) => r.route === route);
        assert.equal(reqs.length, 2, api);
        for (const req of reqs) assert.equal(req.body[field], long.slice(0, 100), `${api}: Vonage gets the first 100 characters as ${field}`);
        for (const out of outs) assert.equal(out.sms.sent.clientRef, long.slice(0, 100), `${api}: msg.sms.sent.clientRef is what Vonage got and gives back in receipts`);
        const warnings = rt.helper
          .log()
          .args.map(([entry]) => entry)
          .filter((e) => e && e.id === 'send' && e.level === 30 && /msg\.clientRef is 120 characters/.test(String(e.msg)));
        assert.equal(warnings.length, 1, `${api}: one warning per input message, not per recipient`);
        await rt.unload();
      }
    });

    describe('clientRef to Vonage and back in the receipt (msg.status.clientRef)', function () {
      const PUBLIC = 'https://public.example';
      const SECRET = 'send-receipt-secret';
      const receiptFlow = (api) => [
        { id: 'acct', type: 'sms account', name: 'vonage', provider: 'vonage', apiHost: fake.url, country: 'GB', publicUrl: PUBLIC },
        { id: 'send', type: 'sms send', account: 'acct', api, from: '447700900001', to: 'to', toType: 'msg', text: 'Your order', textType: 'str', receipts: 'st', wires: [['sent'], ['notSent']] },
        { id: 'sent', type: 'helper' },
        { id: 'notSent', type: 'helper' },
        { id: 'st', type: 'sms status', account: 'acct', path: '/sms/send-receipts', wires: [['receipts']] },
        { id: 'receipts', type: 'helper' },
      ];
      const creds = { acct: { signatureSecret: SECRET, apiKey: 'key1', apiSecret: 'secret1' } };

      it('Messages API: client_ref in the request, and the status webhook that echoes it gives msg.status.clientRef', async function () {
        const { url, getNode } = await rt.load(receiptFlow('messages'), creds);
        const sent = rt.collector('sent');
        const receipts = rt.collector('receipts');
        getNode('send').receive({ to: '07700 900131', clientRef: 'order-31' });
        const out = await sent.next(15000);
        const [req] = fake.requests.filter((r) => r.route === 'vonage-messages');
        assert.equal(req.body.client_ref, 'order-31');
        assert.equal(req.body.webhook_url, `${PUBLIC}/sms/send-receipts`);
        // Vonage's status webhook for that message, client_ref echoed as it was sent.
        const status = JSON.stringify({
          message_uuid: out.sms.sent.messageId,
          to: req.body.to,
          from: req.body.from,
          timestamp: '2026-11-22T09:15:00Z',
          status: 'delivered',
          channel: 'sms',
          client_ref: req.body.client_ref,
        });
        const ack = await rt.postJson(url('/sms/send-receipts'), status, { authorization: `Bearer ${vonageMessagesJwt(SECRET, status)}` });
        assert.equal(ack.status, 200);
        const msg = await receipts.next();
        assert.equal(msg.payload, 'delivered');
        assert.equal(msg.status.messageId, out.sms.sent.messageId);
        assert.equal(msg.status.clientRef, 'order-31');
      });

      it('SMS API: client-ref in the request, and the delivery receipt that echoes it gives msg.status.clientRef', async function () {
        const { url, getNode } = await rt.load(receiptFlow('sms'), creds);
        const sent = rt.collector('sent');
        const receipts = rt.collector('receipts');
        getNode('send').receive({ to: '07700 900132', clientRef: 'order-32' });
        const out = await sent.next(15000);
        const [req] = fake.requests.filter((r) => r.route === 'vonage-sms');
        assert.equal(req.body['client-ref'], 'order-32');
        assert.equal(req.body.callback, `${PUBLIC}/sms/send-receipts`);
        const dlr = signVonageSms(SECRET, {
          msisdn: req.body.to,
          to: req.body.from,
          'network-code': '23410',
          messageId: out.sms.sent.messageId,
          price: '0.03330000',
          status: 'delivered',
          scts: '2611220915',
          'err-code': '0',
          'client-ref': req.body['client-ref'],
          'message-timestamp': '2026-11-22 09:15:00',
        });
        const ack = await rt.postForm(url('/sms/send-receipts'), dlr);
        assert.equal(ack.status, 200);
        const msg = await receipts.next();
        assert.equal(msg.payload, 'delivered');
        assert.equal(msg.status.messageId, out.sms.sent.messageId);
        assert.equal(msg.status.clientRef, 'order-32');
      });
    });
  });
});
