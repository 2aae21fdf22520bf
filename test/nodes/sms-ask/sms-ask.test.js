'use strict';
// sms ask in a real Node-RED runtime, driven over real HTTP with Twilio's own webhook format:
// the question is the TwiML answer, the person's next message leaves from sms ask's output 1
// (and is answered inline by sms reply), the other outcomes from output 2.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');
const { twilioSignature } = require('../../support/sign');

const SID = 'AC00000000000000000000000000000001';
const TOKEN = 'twilio-token-for-ask';
const CREDS = { acct: { accountSid: SID, authToken: TOKEN } };
const OURS = '+14155550199';
let n = 0;
const unique = (prefix) => `${prefix}${Date.now()}${++n}`;
/** A person of their own per test: questions of earlier tests stay in the runtime's store. */
const person = () => `+1415${String(Date.now() % 1e6).padStart(6, '0')}${n++ % 10}`.slice(0, 12);

function onTab(nodes) {
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...nodes.map((node) => (node.type === 'sms account' ? node : { z: 'tab', x: 0, y: 0, ...node }))];
}

/**
 * sms in → switch (opt-out words aside) → change (msg.order, a Buffer) → sms ask → [answer]
 * sms reply → answered; [no answer] → ended. Opt-out words go to `optouts`.
 */
function askFlow({ ask = {}, askId = 'ask', apiHost, reply = 'Thanks, order {{payload}} noted ({{order}})' } = {}) {
  return onTab([
    { id: 'acct', type: 'sms account', name: 'main', provider: 'twilio', apiHost },
    { id: 'in', type: 'sms in', account: 'acct', provider: 'twilio', path: '/sms/ask', replyTimeout: 1, wires: [['keywords']] },
    {
      id: 'keywords',
      type: 'switch',
      property: 'sms.optOut',
      propertyType: 'msg',
      rules: [{ t: 'null' }, { t: 'else' }],
      checkall: 'false',
      outputs: 2,
      wires: [['mark'], ['optouts']],
    },
    {
      id: 'mark',
      type: 'change',
      rules: [
        { t: 'set', p: 'order', pt: 'msg', to: 'A-17', tot: 'str' },
        { t: 'set', p: 'basket', pt: 'msg', to: '{"items":[1,2]}', tot: 'json' },
      ],
      wires: [[askId]],
    },
    { id: askId, type: 'sms ask', text: 'What is your order number, {{sms.from}}?', timeout: 60, ...ask, wires: [['reply', 'answers'], ['ended']] },
    { id: 'reply', type: 'sms reply', text: reply, wires: [[]] },
    { id: 'answers', type: 'helper' },
    { id: 'ended', type: 'helper' },
    { id: 'optouts', type: 'helper' },
  ]);
}

function inbound(from, body) {
  return { MessageSid: unique('SM'), AccountSid: SID, From: from, To: OURS, Body: body, NumMedia: '0' };
}

function say(url, from, body, path = '/sms/ask') {
  const params = inbound(from, body);
  return rt.postForm(url(path), params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url(path), params) });
}
const messages = (xml) => [...xml.matchAll(/<Message>([^<]*)<\/Message>/g)].map((m) => m[1]);

describe('sms ask', function () {
  this.timeout(20000);
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });
  const load = (flow) => rt.load(flow, CREDS);

  it('asks in the TwiML answer; the next message comes out of output 1 with the earlier properties and is answered inline', async function () {
    const { url } = await load(askFlow());
    const answers = rt.collector('answers');
    const alice = person();
    const asked = await say(url, alice, 'hello');
    assert.equal(asked.status, 200);
    assert.deepEqual(messages(asked.text), [`What is your order number, ${alice}?`]);

    const answered = await say(url, alice, '4711');
    assert.match(answered.headers.get('content-type'), /text\/xml/);
    assert.deepEqual(messages(answered.text), ['Thanks, order 4711 noted (A-17)'], 'answered inline by sms reply, with msg.order kept');
    const msg = await answers.next();
    assert.equal(msg.payload, '4711');
    assert.equal(msg.sms.text, '4711');
    assert.equal(msg.sms.from, alice);
    assert.equal(msg.order, 'A-17');
    assert.deepEqual(msg.basket, { items: [1, 2] });
    assert.equal(msg.topic, alice);
    assert.equal(msg.asked.text, `What is your order number, ${alice}?`);
    assert.ok(!Number.isNaN(Date.parse(msg.asked.at)));
    assert.equal(msg.asked.outcome, undefined);

    // The question is answered: the next message is a new one, and asks again.
    const again = await say(url, alice, 'hello again');
    assert.deepEqual(messages(again.text), [`What is your order number, ${alice}?`]);
  });

  it('two people answering at once each get their own conversation', async function () {
    const { url } = await load(askFlow());
    const answers = rt.collector('answers');
    const people = [person(), person(), person(), person()];
    await Promise.all(people.map((p) => say(url, p, 'hi')));
    const replies = await Promise.all(people.map((p, i) => say(url, p, `order ${i}`)));
    replies.forEach((r, i) => assert.deepEqual(messages(r.text), [`Thanks, order order ${i} noted (A-17)`]));
    const got = [];
    for (let i = 0; i < people.length; i++) got.push(await answers.next());
    assert.deepEqual(
      got.map((m) => `${m.sms.from}=${m.payload}`).sort(),
      people.map((p, i) => `${p}=order ${i}`).sort(),
    );
  });

  it('no answer within the timeout: output 2 with outcome timeout, the input message kept', async function () {
    const { url } = await load(askFlow({ askId: 'ask-short', ask: { timeout: 0.5 } }));
    const ended = rt.collector('ended');
    const answers = rt.collector('answers');
    const bob = person();
    await say(url, bob, 'hi');
    const msg = await ended.next(5000);
    assert.equal(msg.asked.outcome, 'timeout');
    assert.equal(msg.order, 'A-17');
    assert.equal(msg.sms.text, 'hi', 'msg.sms is the message the question answered');
    assert.equal(msg.res, undefined);
    // After the timeout the person's message is a new one: it is asked again.
    const later = await say(url, bob, 'sorry, 4711');
    assert.deepEqual(messages(later.text), [`What is your order number, ${bob}?`]);
    assert.equal(answers.messages.length, 0);
  });

  it('STOP ends the wait (opted-out) and comes out of sms in; HELP leaves the question open', async function () {
    const { url } = await load(askFlow());
    const ended = rt.collector('ended');
    const answers = rt.collector('answers');
    const optouts = rt.collector('optouts');
    const carol = person();
    await say(url, carol, 'hi');
    await say(url, carol, 'HELP');
    assert.equal((await optouts.next()).sms.optOut, 'help', 'HELP comes out of sms in');
    assert.equal(ended.messages.length, 0);
    await say(url, carol, 'STOP');
    const stop = await optouts.next();
    assert.equal(stop.sms.optOut, 'stop', 'STOP comes out of sms in as usual');
    const msg = await ended.next();
    assert.equal(msg.asked.outcome, 'opted-out');
    assert.equal(answers.messages.length, 0);
  });

  it('msg.to starts a conversation through the API; a new question to the same person ends the older one (replaced)', async function () {
    const flow = askFlow({ apiHost: fake.url });
    flow.push(
      { id: 'ask2', z: 'tab', x: 0, y: 0, type: 'sms ask', account: 'acct', from: OURS, text: 'Second question?', timeout: 60, wires: [['answers2'], ['ended2']] },
      { id: 'answers2', z: 'tab', type: 'helper' },
      { id: 'ended2', z: 'tab', type: 'helper' },
    );
    const { url } = await load(flow);
    const ended = rt.collector('ended');
    const answers2 = rt.collector('answers2');
    const dave = person();
    await say(url, dave, 'hi');
    rt.helper.getNode('ask2').receive({ to: dave, campaign: 'spring' });
    const msg = await ended.next();
    for (let i = 0; i < 100 && fake.requests.length === 0; i++) await rt.sleep(20);
    assert.equal(msg.asked.outcome, 'replaced');
    assert.equal(msg.asked.text, `What is your order number, ${dave}?`);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].body.To, dave);
    assert.equal(fake.requests[0].body.From, OURS);
    assert.equal(fake.requests[0].body.Body, 'Second question?');

    const res = await say(url, dave, 'the answer');
    assert.equal(res.text, '<?xml version="1.0" encoding="UTF-8"?><Response/>', 'nothing after ask2 answers: Twilio is acknowledged at once');
    const answer = await answers2.next();
    assert.equal(answer.payload, 'the answer', 'the answer goes to the newer question');
    assert.equal(answer.campaign, 'spring');
    assert.equal(answer.to, dave);
    assert.match(answer.asked.messageId, /^SM\d{32}$/, 'the id Twilio gave the question');
  });

  it('a conversation started with msg.to never goes to someone who opted out: output 2, opted-out, nothing sent', async function () {
    const flow = askFlow({ apiHost: fake.url });
    flow.push(
      { id: 'ask3', z: 'tab', x: 0, y: 0, type: 'sms ask', account: 'acct', from: OURS, text: 'Still interested?', timeout: 60, wires: [['answers3'], ['ended3']] },
      { id: 'answers3', z: 'tab', type: 'helper' },
      { id: 'ended3', z: 'tab', type: 'helper' },
    );
    const { url } = await load(flow);
    const ended = rt.collector('ended3');
    const erin = person();
    await say(url, erin, 'STOP');
    rt.helper.getNode('ask3').receive({ to: erin, campaign: 'autumn' });
    const msg = await ended.next();
    assert.equal(msg.asked.outcome, 'opted-out');
    assert.equal(msg.campaign, 'autumn');
    assert.equal(fake.requests.length, 0, 'nothing sent');
  });

  it('shows how many questions wait', async function () {
    const { url } = await load(askFlow({ askId: 'ask-counted' }));
    await say(url, person(), 'hi');
    await say(url, person(), 'hi');
    let status;
    for (let i = 0; i < 50 && !(status && status.text === '2 waiting'); i++) {
      await rt.sleep(50);
      status = rt.lastStatus('ask-counted');
    }
    assert.equal(status.text, '2 waiting');
  });
});
