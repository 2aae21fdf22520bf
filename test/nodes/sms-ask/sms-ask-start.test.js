'use strict';
// sms ask starting a conversation (msg.to, SPEC §9) in a real Node-RED runtime: the question
// goes out through sms send's outbound queue (SPEC §8) to the fake Twilio on 127.0.0.1 over
// real HTTP — numbers read in the account's country, the opt-out list checked, a refusal
// reported — and the person's answer, a signed Twilio webhook to sms in, leaves sms ask.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');
const { twilioSignature } = require('../../support/sign');
const { acquireStore, releaseStore } = require('../../../dist/runtime/sms-store');

const SID = 'AC00000000000000000000000000000001';
const TOKEN = 'twilio-token-for-ask-start';
const CREDS = { acct: { accountSid: SID, authToken: TOKEN } };
const OURS = '+15557650002';
let n = 0;
const unique = (prefix) => `${prefix}${Date.now()}${++n}`;

function onTab(nodes) {
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...nodes.map((node) => (node.type === 'sms account' ? node : { z: 'tab', x: 0, y: 0, ...node }))];
}

/** sms in → `plain` (messages that answer nothing); sms ask (account, From) → [answers] / [ended]. */
function flow(apiHost) {
  return onTab([
    { id: 'acct', type: 'sms account', name: 'main', provider: 'twilio', apiHost, country: 'GB' },
    { id: 'in', type: 'sms in', account: 'acct', provider: 'twilio', path: '/sms/ask-start', replyTimeout: 1, wires: [['plain']] },
    { id: 'plain', type: 'helper' },
    { id: 'ask', type: 'sms ask', account: 'acct', from: OURS, text: 'Can you come on {{day}}?', timeout: 60, wires: [['answers'], ['ended']] },
    { id: 'answers', type: 'helper' },
    { id: 'ended', type: 'helper' },
  ]);
}

function say(url, from, body) {
  const params = { MessageSid: unique('SM'), AccountSid: SID, From: from, To: OURS, Body: body, NumMedia: '0' };
  return rt.postForm(url('/sms/ask-start'), params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url('/sms/ask-start'), params) });
}

describe('sms ask: a conversation started with msg.to goes through the outbound queue', function () {
  this.timeout(30000);
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });
  const sends = () => fake.requests.filter((r) => r.route === 'twilio');
  const load = () => rt.load(flow(fake.url), CREDS);

  it('sends one request, to the number read in the account\'s country; the answer through sms in leaves output 1 with the input message\'s properties', async function () {
    const { url, getNode } = await load();
    const answers = rt.collector('answers');
    const plain = rt.collector('plain');
    getNode('ask').receive({ to: '07700 900123', day: 'Friday', booking: { id: 7 } });
    for (let i = 0; i < 250 && sends().length === 0; i++) await rt.sleep(20);
    assert.equal(sends().length, 1, 'the question was sent');
    assert.deepEqual([sends()[0].body.To, sends()[0].body.From, sends()[0].body.Body], ['+447700900123', OURS, 'Can you come on Friday?']);

    const res = await say(url, '+447700900123', 'yes');
    assert.equal(res.status, 200);
    const msg = await answers.next(5000);
    assert.equal(msg.payload, 'yes');
    assert.equal(msg.sms.from, '+447700900123');
    assert.equal(msg.day, 'Friday');
    assert.deepEqual(msg.booking, { id: 7 });
    assert.equal(msg.asked.text, 'Can you come on Friday?');
    assert.match(msg.asked.messageId, /^SM\d{32}$/, 'the id Twilio gave the question');
    assert.equal(msg.asked.outcome, undefined);
    assert.equal(plain.messages.length, 0, 'the answer does not come out of sms in');
    await rt.sleep(300);
    assert.equal(sends().length, 1, 'sent once');
  });

  it('an answer that comes while the question is being marked sent (store writes still running) waits for it and is the answer, not a new message', async function () {
    const { url, getNode } = await load();
    const shared = acquireStore(rt.helper._RED);
    const store = await shared.ready;
    const collection = store.collection.bind(store);
    try {
      // Recording the send takes the question out and puts it back: the putting back is slowed here.
      store.collection = (name) => {
        const c = collection(name);
        if (name !== 'ask-questions') return c;
        const set = c.set.bind(c);
        return Object.assign(Object.create(c), { set: (key, value, ttl) => (value && value.asked && value.asked.messageId ? rt.sleep(600).then(() => set(key, value, ttl)) : set(key, value, ttl)) });
      };
      const answers = rt.collector('answers');
      const plain = rt.collector('plain');
      getNode('ask').receive({ to: '07700 900124', day: 'Monday' });
      for (let i = 0; i < 250 && sends().length === 0; i++) await rt.sleep(20);
      assert.equal(sends().length, 1, 'the question was sent');
      await rt.sleep(200);
      assert.equal((await say(url, '+447700900124', 'yes')).status, 200);
      const msg = await answers.next(5000);
      assert.equal(msg.payload, 'yes');
      assert.equal(msg.day, 'Monday');
      assert.equal(plain.messages.length, 0, 'not a new message out of sms in');
    } finally {
      store.collection = collection;
      await releaseStore(false);
    }
  });

  it('a number on the opt-out list: output 2 opted-out with a sentence, the input message kept, no request', async function () {
    const { url, getNode } = await load();
    const ended = rt.collector('ended');
    const plain = rt.collector('plain');
    const { runtimeConsent } = require('../../../dist/runtime/consent');
    const { acquireStore, releaseStore } = require('../../../dist/runtime/sms-store');
    const list = await runtimeConsent(acquireStore(rt.captured.RED));
    try {
      await list.optOut(`twilio:${SID}`, '+447700900301', { why: 'stop' });
      getNode('ask').receive({ to: '07700 900301', day: 'Monday', campaign: 'autumn' });
      const msg = await ended.next(5000);
      assert.equal(msg.asked.outcome, 'opted-out');
      assert.match(msg.asked.error, /opted out/);
      assert.equal(msg.asked.text, 'Can you come on Monday?');
      assert.equal(msg.campaign, 'autumn');
      await rt.sleep(200);
      assert.equal(sends().length, 0, 'nothing sent');
      // Nothing waits: what the person writes is a message of its own.
      await say(url, '+447700900301', 'hello');
      assert.equal((await plain.next(5000)).payload, 'hello');
    } finally {
      await releaseStore(false);
    }
  });

  it('Twilio refuses the number as opted out (21610): output 2 opted-out, and the number is on the list for the next question', async function () {
    const { getNode } = await load();
    const ended = rt.collector('ended');
    fake.script('twilio', { status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 } });
    getNode('ask').receive({ to: '+447700900302', day: 'Tuesday' });
    const first = await ended.next(5000);
    assert.equal(first.asked.outcome, 'opted-out');
    assert.equal(sends().length, 1);
    getNode('ask').receive({ to: '+447700900302', day: 'Wednesday' });
    const second = await ended.next(5000);
    assert.equal(second.asked.outcome, 'opted-out');
    assert.equal(second.asked.text, 'Can you come on Wednesday?');
    await rt.sleep(200);
    assert.equal(sends().length, 1, 'the second question was not sent');
  });

  it('a number that cannot be one: output 2 invalid-number with a sentence, no request', async function () {
    const { getNode } = await load();
    const ended = rt.collector('ended');
    const answers = rt.collector('answers');
    getNode('ask').receive({ to: '12', day: 'Thursday', ref: 'r-9' });
    const msg = await ended.next(5000);
    assert.equal(msg.asked.outcome, 'invalid-number');
    assert.match(msg.asked.error, /"12" is not a possible phone number/);
    assert.equal(msg.ref, 'r-9');
    await rt.sleep(200);
    assert.equal(sends().length, 0, 'nothing sent');
    assert.equal(answers.messages.length, 0);
  });

  it('a send the provider refuses: output 2 refused with its sentence; the person\'s next message is not taken for an answer', async function () {
    const { url, getNode } = await load();
    const ended = rt.collector('ended');
    const plain = rt.collector('plain');
    const answers = rt.collector('answers');
    fake.script('twilio', { status: 400, body: { code: 21408, message: 'Permission to send an SMS has not been enabled for the region', status: 400 } });
    getNode('ask').receive({ to: '+447700900303', day: 'Saturday' });
    const msg = await ended.next(5000);
    assert.equal(msg.asked.outcome, 'refused');
    assert.match(msg.asked.error, /Permission to send an SMS has not been enabled/);
    await say(url, '+447700900303', 'yes');
    assert.equal((await plain.next(5000)).payload, 'yes');
    assert.equal(answers.messages.length, 0);
  });
});
