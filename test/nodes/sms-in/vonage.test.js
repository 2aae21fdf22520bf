'use strict';
// Vonage over real HTTP: answered before the flow runs, multipart parts reassembled,
// and retries of any provider acknowledged without a second message.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');

const vonageId = () => crypto.randomBytes(8).toString('hex').toUpperCase();
const twilioSid = () => `SM${crypto.randomBytes(16).toString('hex')}`;
const ref = () => crypto.randomBytes(2).toString('hex');

function smsParams(overrides = {}) {
  return {
    msisdn: '447700900001',
    to: '447700900002',
    messageId: vonageId(),
    text: 'Hello',
    type: 'text',
    'message-timestamp': '2024-05-01 10:11:12',
    ...overrides,
  };
}

function part(groupRef, n, total, text, overrides = {}) {
  return smsParams({ concat: 'true', 'concat-ref': groupRef, 'concat-total': String(total), 'concat-part': String(n), text, ...overrides });
}

const getQuery = (url, params) => rt.send(`${url}?${new URLSearchParams(params)}`, { method: 'GET' });

/** Multipart groups expire after this in these tests (settings.js `smsMultipart`). */
const EXPIRY_MS = 400;

describe('sms in — Vonage over HTTP', function () {
  let restoreSettings;
  before(() => {
    restoreSettings = rt.settings({ smsMultipart: { expiryMs: EXPIRY_MS } });
  });
  after(async () => {
    restoreSettings();
    await rt.stopServer();
  });
  afterEach(() => rt.unload());

  describe('answered before the flow runs', function () {
    it('returns 200 while the message is still held by a node downstream', async function () {
      const { url } = await rt.load([
        { id: 'vb-in', type: 'sms in', provider: 'auto', path: '/vb/in', wires: [['vb-slow']] },
        // Holds each message for 5 s before passing it on: far longer than the HTTP call may take.
        { id: 'vb-slow', type: 'function', func: 'setTimeout(() => node.send(msg), 5000); return null;', outputs: 1, wires: [['vb-out']] },
        { id: 'vb-out', type: 'helper' },
      ]);
      const out = rt.collector('vb-out');
      const started = Date.now();
      const sms = await rt.postForm(url('/vb/in'), smsParams());
      const messages = await rt.postJson(url('/vb/in'), {
        channel: 'sms',
        message_uuid: crypto.randomUUID(),
        to: '447700900002',
        from: '447700900001',
        text: 'hi',
        message_type: 'text',
      });
      assert.equal(sms.status, 200);
      assert.equal(messages.status, 200);
      assert.ok(Date.now() - started < 1000, 'answered at once');
      assert.equal(out.messages.length, 0, 'the flow had not finished with either message');
    });

    it('returns 200 even when a node downstream throws', async function () {
      const { url } = await rt.load([
        { id: 'vb-in', type: 'sms in', provider: 'vonage-sms', path: '/vb/in', wires: [['vb-bad']] },
        { id: 'vb-bad', type: 'function', func: 'throw new Error("flow bug");', outputs: 1, wires: [[]] },
      ]);
      const res = await rt.postForm(url('/vb/in'), smsParams());
      assert.equal(res.status, 200);
    });
  });

  describe('multipart (concat)', function () {
    let url;
    let out;
    beforeEach(async () => {
      ({ url } = await rt.load([
        { id: 'mp-in', type: 'sms in', provider: 'auto', path: '/mp/in', wires: [['mp-out']] },
        { id: 'mp-out', type: 'helper' },
      ]));
      out = rt.collector('mp-out');
    });

    it('3 parts out of order (3, 1, 2) → each answered 200, one message in part order', async function () {
      const g = ref();
      const parts = { 1: 'This is the first part, ', 2: 'then the second, ', 3: 'and the end.' };
      for (const n of [3, 1, 2]) {
        const res = await getQuery(url('/mp/in'), part(g, n, 3, parts[n]));
        assert.equal(res.status, 200, `part ${n} acknowledged`);
        if (n !== 2) assert.equal(out.messages.length, 0, 'nothing emitted before the last part');
      }
      const msg = await out.next();
      assert.equal(msg.payload, 'This is the first part, then the second, and the end.');
      assert.equal(msg.sms.text, msg.payload);
      assert.equal(msg.sms.keyword, 'THIS');
      assert.equal(msg.sms.segments, 3);
      assert.equal(msg.sms.from, '+447700900001');
      assert.equal(msg.sms.incomplete, undefined);
      assert.equal('concat' in msg.sms, false);
      assert.equal(msg.sms.raw.length, 3, 'raw keeps every part as received');
      assert.deepEqual(
        msg.sms.raw.map((r) => r['concat-part']),
        ['1', '2', '3'],
      );
      await rt.sleep(EXPIRY_MS + 100);
      assert.equal(out.messages.length, 0, 'exactly one message, no late incomplete copy');
    });

    it('parts over POST form and JSON mix in one group; a retried part is not counted twice', async function () {
      const g = ref();
      const p1 = part(g, 1, 2, 'STOP');
      assert.equal((await rt.postForm(url('/mp/in'), p1)).status, 200);
      assert.equal((await rt.postForm(url('/mp/in'), p1)).status, 200, 'the retry is acknowledged');
      assert.equal((await rt.postJson(url('/mp/in'), part(g, 2, 2, ' '))).status, 200);
      const msg = await out.next();
      assert.equal(msg.payload, 'STOP ');
      assert.equal(msg.sms.optOut, 'stop', 'the opt-out is judged on the whole text');
      assert.equal(msg.sms.segments, 2);
    });

    it('two groups with the same concat-ref from different senders stay apart', async function () {
      const g = ref();
      await getQuery(url('/mp/in'), part(g, 1, 2, 'Alice ', { msisdn: '447700900011' }));
      await getQuery(url('/mp/in'), part(g, 1, 2, 'Bob ', { msisdn: '447700900022' }));
      await getQuery(url('/mp/in'), part(g, 2, 2, 'here', { msisdn: '447700900022' }));
      await getQuery(url('/mp/in'), part(g, 2, 2, 'there', { msisdn: '447700900011' }));
      const texts = [(await out.next()).payload, (await out.next()).payload].sort();
      assert.deepEqual(texts, ['Alice there', 'Bob here']);
    });

    it('an expired group is emitted with what arrived and msg.sms.incomplete = true', async function () {
      const g = ref();
      const started = Date.now();
      await getQuery(url('/mp/in'), part(g, 1, 3, 'one '));
      await getQuery(url('/mp/in'), part(g, 3, 3, 'three'));
      const msg = await out.next(EXPIRY_MS + 1500);
      assert.ok(Date.now() - started >= EXPIRY_MS - 50, 'not before the expiry');
      assert.equal(msg.payload, 'one three');
      assert.equal(msg.sms.incomplete, true);
      assert.equal(msg.sms.segments, 3);
      assert.equal(msg.sms.raw.length, 2);
    });

    it('a group held across a redeploy completes on the new node', async function () {
      const g = ref();
      await getQuery(url('/mp/in'), part(g, 1, 2, 'before '));
      await rt.helper.setFlows(
        [
          { id: 'mp-in', type: 'sms in', provider: 'auto', path: '/mp/moved', wires: [['mp-out']] },
          { id: 'mp-out', type: 'helper' },
        ],
        'nodes',
      );
      out = rt.collector('mp-out');
      await getQuery(url('/mp/moved'), part(g, 2, 2, 'after'));
      const msg = await out.next();
      assert.equal(msg.payload, 'before after');
      assert.equal(msg.sms.incomplete, undefined);
    });

    it('a flood of unfinished groups over HTTP: past smsMultipart.maxGroups a new group is answered 503, held groups are kept and complete', async function () {
      const restore = rt.settings({ smsMultipart: { expiryMs: 60_000, maxGroups: 5 } });
      try {
        ({ url } = await rt.load([
          { id: 'mpf-in', type: 'sms in', provider: 'vonage-sms', path: '/mpf/in', wires: [['mpf-out']] },
          { id: 'mpf-out', type: 'helper' },
        ]));
        const flood = rt.collector('mpf-out');
        const refs = Array.from({ length: 40 }, (_, i) => `f${i}-${ref()}`);
        const sender = (i) => `4477009${String(i).padStart(5, '0')}`;
        const statuses = [];
        const firstParts = refs.map((r, i) => part(r, 1, 2, `start ${i} `, { msisdn: sender(i) }));
        for (let i = 0; i < 40; i++) {
          const res = await rt.postForm(url('/mpf/in'), firstParts[i]);
          statuses.push(res.status);
          if (res.status === 503) {
            assert.match(res.text, /too many multipart messages .* try again later/);
            assert.equal(res.headers.get('retry-after'), '60');
          }
        }
        assert.deepEqual(statuses, [...Array(5).fill(200), ...Array(35).fill(503)]);
        await rt.sleep(50);
        assert.equal(flood.messages.length, 0, 'no acknowledged part was pushed out');
        // Vonage retries a refused part later; the held groups complete meanwhile.
        for (let i = 0; i < 5; i++) assert.equal((await rt.postForm(url('/mpf/in'), part(refs[i], 2, 2, 'end', { msisdn: sender(i) }))).status, 200);
        const done = await Promise.all([0, 1, 2, 3, 4].map(() => flood.next()));
        assert.deepEqual(done.map((m) => m.payload).sort(), [0, 1, 2, 3, 4].map((i) => `start ${i} end`));
        // The same request again, as Vonage retries it: held now, not taken for a duplicate.
        const retried = await rt.postForm(url('/mpf/in'), firstParts[5]);
        assert.equal(retried.status, 200, 'room again: the retried part is held');
        assert.equal((await rt.postForm(url('/mpf/in'), part(refs[5], 2, 2, 'end', { msisdn: sender(5) }))).status, 200);
        assert.equal((await flood.next()).payload, 'start 5 end');
      } finally {
        restore();
      }
    });

    it('a part with a broken concat header → 400 naming it', async function () {
      const res = await getQuery(url('/mp/in'), part(ref(), 4, 3, 'x'));
      assert.equal(res.status, 400);
      assert.match(res.text, /concat-part/);
    });
  });

  describe('duplicate deliveries', function () {
    let url;
    let out;
    beforeEach(async () => {
      ({ url } = await rt.load([
        { id: 'dup-in', type: 'sms in', provider: 'auto', path: '/dup/in', replyTimeout: 1, wires: [['dup-out']] },
        { id: 'dup-out', type: 'helper' },
      ]));
      out = rt.collector('dup-out');
    });

    async function exactlyOne(id) {
      await rt.sleep(80);
      assert.deepEqual(
        out.messages.map((m) => m.sms.messageId),
        [id],
      );
    }

    it('Twilio: the same MessageSid twice → both get <Response/>, one message', async function () {
      const params = { MessageSid: twilioSid(), AccountSid: 'AC1', From: '+14155550100', To: '+14155550199', Body: 'hi' };
      for (let i = 0; i < 2; i++) {
        const res = await rt.postForm(url('/dup/in'), params);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^text\/xml/);
        assert.match(res.text, /<Response\/>/);
      }
      await exactlyOne(params.MessageSid);
      assert.match(rt.lastStatus('dup-in').text, /1 duplicate/);
    });

    it('Vonage SMS API: the same messageId twice (GET then POST) → 200 twice, one message', async function () {
      const params = smsParams();
      assert.equal((await getQuery(url('/dup/in'), params)).status, 200);
      assert.equal((await rt.postForm(url('/dup/in'), params)).status, 200);
      await exactlyOne(params.messageId);
    });

    it('Vonage Messages API: the same message_uuid twice → 200 twice, one message', async function () {
      const body = { channel: 'sms', message_uuid: crypto.randomUUID(), to: '447700900002', from: '447700900001', text: 'hi', message_type: 'text' };
      assert.equal((await rt.postJson(url('/dup/in'), body)).status, 200);
      assert.equal((await rt.postJson(url('/dup/in'), body)).status, 200);
      await exactlyOne(body.message_uuid);
    });

    it('a retry after a redeploy of the same node is still a duplicate', async function () {
      const params = smsParams();
      assert.equal((await rt.postForm(url('/dup/in'), params)).status, 200);
      await exactlyOne(params.messageId);
      await rt.helper.setFlows(
        [
          { id: 'dup-in', type: 'sms in', provider: 'auto', path: '/dup/in', replyTimeout: 2, wires: [['dup-out']] },
          { id: 'dup-out', type: 'helper' },
        ],
        'full',
      );
      const again = rt.collector('dup-out');
      assert.equal((await rt.postForm(url('/dup/in'), params)).status, 200);
      await rt.sleep(80);
      assert.equal(again.messages.length, 0);
    });

    it('the same id from two providers is two messages', async function () {
      const id = crypto.randomUUID();
      await rt.postJson(url('/dup/in'), { channel: 'sms', message_uuid: id, to: '447700900002', from: '447700900001', text: 'a', message_type: 'text' });
      await rt.postForm(url('/dup/in'), smsParams({ messageId: id }));
      await rt.sleep(80);
      assert.deepEqual(
        out.messages.map((m) => m.sms.provider),
        ['vonage-messages', 'vonage-sms'],
      );
    });
  });
});
