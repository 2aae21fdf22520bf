'use strict';
// sms send end to end in a real Node-RED runtime: the real Twilio SDK over real HTTP to the
// fake provider on 127.0.0.1, which records what arrived and when.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');
const { outboundQueue } = require('../../../dist/runtime/outbound-queue');

const CREDS = { acct: { accountSid: 'AC00000000000000000000000000000001', authToken: 'token' } };

function flow(fakeUrl, send = {}) {
  return [
    { id: 'acct', type: 'sms account', name: 'twilio', provider: 'twilio', apiHost: fakeUrl, country: 'GB' },
    { id: 'send', type: 'sms send', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'Hello {{name}}', textType: 'str', rate: '50', wires: [['sent'], ['notSent']], ...send },
    { id: 'sent', type: 'helper' },
    { id: 'notSent', type: 'helper' },
  ];
}

async function collect(c, n, ms = 20000) {
  const out = [];
  while (out.length < n) out.push(await c.next(ms));
  return out;
}

describe('sms send (SPEC §8)', function () {
  this.timeout(60000);
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });
  const twilioSends = () => fake.requests.filter((r) => r.route === 'twilio');

  it('sends one message per recipient, numbers as typed, with msg.sms.sent on output 1 and an impossible number on output 2', async function () {
    const { getNode } = await rt.load(flow(fake.url), CREDS);
    const sent = rt.collector('sent');
    const notSent = rt.collector('notSent');
    getNode('send').receive({ to: ['07700 900123', '+44 7700 900124', '447700900125', '123'], name: 'Ann', clientRef: 'r1' });
    const ok = await collect(sent, 3);
    const bad = await notSent.next(5000);
    assert.deepEqual(ok.map((m) => m.topic).sort(), ['+447700900123', '+447700900124', '+447700900125']);
    assert.deepEqual(twilioSends().map((r) => r.body.To), ['+447700900123', '+447700900124', '+447700900125'], 'in order, E.164');
    assert.equal(twilioSends()[0].body.Body, 'Hello Ann');
    const s = ok[0].sms.sent;
    assert.equal(s.provider, 'twilio');
    assert.match(s.messageId, /^SM/);
    assert.equal(s.from, '+15557650002');
    assert.equal(s.channel, 'sms');
    assert.equal(s.segments, 1);
    assert.equal(s.clientRef, 'r1');
    assert.equal(ok[0].name, 'Ann', 'the input message is kept');
    assert.equal(bad.sms.notSent.reason, 'invalid-number');
    assert.equal(bad.sms.notSent.to, '123');
    assert.match(bad.sms.notSent.error, /not a possible phone number/);
  });

  it('a 5xx is reported unknown-outcome and not sent again; a 429 with Retry-After is waited out and sent once', async function () {
    const { getNode } = await rt.load(flow(fake.url), CREDS);
    const sent = rt.collector('sent');
    const notSent = rt.collector('notSent');
    fake.script('twilio', { status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } });
    getNode('send').receive({ to: '+447700900201', name: 'x' });
    const unknown = await notSent.next(10000);
    assert.equal(unknown.sms.notSent.reason, 'unknown-outcome');
    assert.match(unknown.sms.notSent.error, /outcome is unknown/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(twilioSends().length, 1, 'not resent');

    fake.reset();
    fake.script('twilio', { status: 429, headers: { 'retry-after': '2' }, body: { code: 20429, message: 'Too Many Requests', status: 429 } });
    getNode('send').receive({ to: '+447700900202', name: 'y' });
    const ok = await sent.next(15000);
    assert.equal(ok.topic, '+447700900202');
    const [first, second, ...more] = twilioSends();
    assert.equal(more.length, 0, 'sent once after the 429');
    assert.ok(second.at - first.at >= 1900, `waited for Retry-After (${second.at - first.at} ms)`);
  });

  it('a 429 while later messages wait for their turn: none of them leaves during the hold, and all go in order after it', async function () {
    const { getNode } = await rt.load(flow(fake.url, { rate: '100' }), CREDS);
    const sent = rt.collector('sent');
    fake.script('twilio', { status: 429, headers: { 'retry-after': '2' }, body: { code: 20429, message: 'Too Many Requests', status: 429 } });
    const to = Array.from({ length: 10 }, (_, i) => `+4477009004${String(i).padStart(2, '0')}`);
    getNode('send').receive({ to, name: 'h' });
    await collect(sent, 10, 30000);
    const all = twilioSends();
    const refusedAt = all[0].at;
    // What left before the 429's answer came back cannot be held; nothing after it may leave within the Retry-After.
    const during = all.slice(1).filter((r) => r.at - refusedAt > 30 && r.at - refusedAt < 1900);
    assert.deepEqual(during.map((r) => `${r.body.To} at +${r.at - refusedAt} ms`), [], 'nothing left during the hold');
    const accepted = all.slice(1);
    const firstAfter = accepted.findIndex((r) => r.at - refusedAt >= 1900);
    assert.deepEqual(accepted.slice(firstAfter).map((r) => r.body.To), to.filter((n) => !accepted.slice(0, firstAfter).some((r) => r.body.To === n)), 'after the hold: the refused one first, then the rest in order');
    assert.equal(accepted.length, 10, 'each sent once');
  });

  it('holds the rate: a broadcast of 60 at 20/s never has more than 20 in a 1-second window', async function () {
    const { getNode } = await rt.load(flow(fake.url, { rate: '20' }), CREDS);
    const sent = rt.collector('sent');
    const to = Array.from({ length: 60 }, (_, i) => `+4477009003${String(i).padStart(2, '0')}`);
    getNode('send').receive({ to, name: 'b' });
    await collect(sent, 60, 30000);
    const times = twilioSends().map((r) => r.at).sort((a, b) => a - b);
    assert.equal(times.length, 60);
    for (let i = 0; i + 20 < times.length; i++) {
      assert.ok(times[i + 20] - times[i] >= 1000, `requests ${i} and ${i + 20} within ${times[i + 20] - times[i]} ms`);
    }
    assert.deepEqual(twilioSends().map((r) => r.body.To), to, 'in order per sender');
  });

  it('a message scheduled for tomorrow on another sender does not slow a broadcast at 5/s down to the queue\'s once-a-second look', async function () {
    const later = { id: 'later', type: 'sms send', account: 'acct', from: '+15557650003', to: 'to', toType: 'msg', text: 'Later', textType: 'str', rate: '5', wires: [[], []] };
    const { getNode } = await rt.load([...flow(fake.url, { rate: '5' }), later], CREDS);
    const sent = rt.collector('sent');
    try {
      getNode('later').receive({ to: '+447700900399', sendAt: new Date(Date.now() + 24 * 3600_000).toISOString() });
      await rt.sleep(300);
      const to = Array.from({ length: 12 }, (_, i) => `+4477009004${String(i).padStart(2, '0')}`);
      const started = Date.now();
      getNode('send').receive({ to, name: 'b' });
      await collect(sent, 12, 30000);
      const times = twilioSends().map((r) => r.at).sort((a, b) => a - b);
      // 11 intervals at 5/s: 2.2 s (a little more with the margin), not one a second.
      assert.ok(times.at(-1) - started < 4000, `12 messages at 5/s took ${times.at(-1) - started} ms`);
      assert.deepEqual(twilioSends().map((r) => r.body.To), to, 'in order, and the scheduled one not sent');
    } finally {
      // The runtime's store outlives this flow: tomorrow's message would show in the next tests' queue.
      assert.equal(await outboundQueue(rt.helper._RED).clear('acct'), 1, 'the scheduled message was still waiting');
    }
  });

  it('never sends to a number on the opt-out list: output 2 opted-out, no request', async function () {
    const { getNode } = await rt.load(flow(fake.url), CREDS);
    const notSent = rt.collector('notSent');
    const sent = rt.collector('sent');
    const { runtimeConsent } = require('../../../dist/runtime/consent');
    const { acquireStore, releaseStore } = require('../../../dist/runtime/sms-store');
    const store = acquireStore(rt.captured.RED);
    const list = await runtimeConsent(store);
    await list.optOut('twilio:AC00000000000000000000000000000001', '+447700900301', { why: 'stop' });
    getNode('send').receive({ to: ['+447700900301', '+447700900302'], name: 'z' });
    const out = await notSent.next(5000);
    assert.equal(out.sms.notSent.reason, 'opted-out');
    assert.equal((await sent.next(5000)).topic, '+447700900302');
    assert.deepEqual(twilioSends().map((r) => r.body.To), ['+447700900302']);
    await releaseStore(false);
  });
});
