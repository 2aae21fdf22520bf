'use strict';
// sms ask with real Node-RED processes (SPEC §9, §12): an open question survives a stop and
// start on the embedded store, a timeout that fell due while Node-RED was stopped fires at
// start, a redeploy keeps (or, removing the node, ends) the questions, and two instances on
// one real redis-server share them. Real HTTP in Twilio's format; what the flow does at the
// end is an http request to the fake provider on 127.0.0.1.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { nodeRedProcess } = require('../support/node-red-process');
const { useProcessHooks } = require('../support/process-hooks');
const { startRedis } = require('../support/redis-server');
const { until, sleep } = require('./flows');

const OURS = '+14155550199';

/**
 * sms in (Twilio) → change (msg.order) → sms ask → [answer] sms reply (TwiML) → /end/answer/<person>;
 * [no answer] → /end/<outcome>/<person>.
 */
function askFlow(apiHost, { timeout = 600, withAsk = true, answerDelayMs = 0 } = {}) {
  const tab = { id: 'tab', type: 'tab', label: 'ask' };
  const account = { id: 'acct', type: 'sms account', name: 'twilio', provider: 'twilio' };
  const smsIn = { id: 'in', z: 'tab', type: 'sms in', account: 'acct', provider: 'twilio', path: '/ask', replyTimeout: 2, wires: [[withAsk ? 'mark' : 'end']] };
  const mark = { id: 'mark', z: 'tab', type: 'change', rules: [{ t: 'set', p: 'order', pt: 'msg', to: 'A-17', tot: 'str' }], wires: [['ask']] };
  const ask = { id: 'ask', z: 'tab', type: 'sms ask', text: 'Your order number?', timeout, wires: [[answerDelayMs ? 'wait' : 'reply'], ['ended']] };
  // Between the answer and the end of the flow: a kill -9 while it waits. (Straight to the
  // end: the account has no credentials for sms reply to answer through the API after a start.)
  const wait = {
    id: 'wait', z: 'tab', type: 'delay', pauseType: 'delay', timeout: String(answerDelayMs), timeoutUnits: 'milliseconds',
    rate: '1', nbRateUnits: '1', rateUnits: 'second', randomFirst: '1', randomLast: '5', randomUnits: 'seconds', drop: false, outputs: 1, wires: [['answered']],
  };
  const reply = { id: 'reply', z: 'tab', type: 'sms reply', text: 'Got {{payload}} for {{order}}', wires: [['answered']] };
  const request = (id, url) => ({ id, z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url, wires: [[]] });
  const answered = request('answered', `${apiHost}/end/answer/{{{topic}}}?order={{{order}}}&text={{{sms.text}}}`);
  const ended = request('ended', `${apiHost}/end/{{{asked.outcome}}}/{{{topic}}}`);
  const end = request('end', `${apiHost}/end/plain/{{{topic}}}`);
  return withAsk ? [tab, account, smsIn, mark, ask, ...(answerDelayMs ? [wait] : []), reply, answered, ended] : [tab, account, smsIn, end];
}

/**
 * The askFlow's sms in, plus a conversation sms ask starts: POST /go {to, campaign} → sms ask
 * (an account with credentials, From OURS) through the outbound queue → [answer]
 * /end/answer2/<person>/<campaign>; [no answer] /end/<outcome>/<person>.
 */
function startFlow(apiHost) {
  const [tab, account, smsIn, ...rest] = askFlow(apiHost, { withAsk: false });
  const sender = { id: 'sender', type: 'sms account', name: 'twilio sender', provider: 'twilio', apiHost };
  const go = { id: 'go', z: 'tab', type: 'http in', url: '/go', method: 'post', wires: [['move', 'ok']] };
  const ok = { id: 'ok', z: 'tab', type: 'http response', statusCode: '200', wires: [] };
  const move = {
    id: 'move', z: 'tab', type: 'change', rules: [
      { t: 'move', p: 'payload.to', pt: 'msg', to: 'to', tot: 'msg' },
      { t: 'move', p: 'payload.campaign', pt: 'msg', to: 'campaign', tot: 'msg' },
    ], wires: [['ask2']],
  };
  const ask2 = { id: 'ask2', z: 'tab', type: 'sms ask', account: 'sender', from: OURS, text: 'Still coming?', timeout: 600, wires: [['answered2'], ['ended2']] };
  const request = (id, url) => ({ id, z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url, wires: [[]] });
  return [tab, account, sender, smsIn, ...rest, go, ok, move, ask2, request('answered2', `${apiHost}/end/answer2/{{{sms.from}}}/{{{campaign}}}`), request('ended2', `${apiHost}/end/{{{asked.outcome}}}/{{{to}}}`)];
}
const SENDER_CREDS = { sender: { accountSid: `AC${'0'.repeat(31)}1`, authToken: 'token' } };

let seq = 0;
function person() {
  seq += 1;
  return `+1415${String(crypto.randomInt(1e6)).padStart(6, '0')}${seq % 10}`;
}

function say(base, from, body) {
  const params = { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`, AccountSid: `AC${'0'.repeat(32)}`, From: from, To: OURS, Body: body, NumMedia: '0' };
  const form = new URLSearchParams(params).toString();
  // A connection of its own per request: none is left open to a process that is stopped next.
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/ask`, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(form);
  });
}

/** Resolves as `promise` does; a step that hangs fails the test with its name and the log, not at mocha's timeout. */
function step(name, promise, nr, ms = 40_000) {
  let timer;
  const bound = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms / 1000} s; Node-RED said:\n${nr ? nr.log.slice(-3000) : ''}`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

const messages = (xml) => [...xml.matchAll(/<Message>([^<]*)<\/Message>/g)].map((m) => m[1]);
/** `/end/<what>/<person>` requests the fake received. */
const ends = (fake, what, who) => fake.requests.filter((r) => r.path === `/end/${what}/${encodeURIComponent(who)}` || r.path === `/end/${what}/${who}`);

describe('sms ask with real processes', function () {
  this.timeout(120_000);
  let fake;
  const started = [];
  useProcessHooks(started, (f) => {
    fake = f;
  });

  async function embedded(flows, credentials) {
    const nr = await nodeRedProcess({ flows, credentials, store: { type: 'embedded' } });
    started.push(nr);
    return nr.start();
  }

  it('embedded store: a question open across a kill -9 and a start is answered after it, with the properties of before', async function () {
    const nr = await embedded(askFlow(fake.url));
    const alice = person();
    assert.deepEqual(messages((await step('the question', say(nr.url, alice, 'hi'), nr)).text), ['Your order number?']);
    await step('the kill', nr.kill(), nr);
    await step('the start', nr.start(), nr);
    const answer = await step('the answer', say(nr.url, alice, '4711'), nr);
    assert.deepEqual(messages(answer.text), ['Got 4711 for A-17'], 'answered inline, msg.order from before the restart');
    await until('the end of the flow', () => ends(fake, 'answer', alice).length === 1);
  });

  it('embedded store: an answer taken just before a kill -9 (the flow not finished with it) leaves sms ask again after the start, with the properties of before', async function () {
    const nr = await embedded(askFlow(fake.url, { answerDelayMs: 60_000 }));
    const gina = person();
    assert.deepEqual(messages((await step('the question', say(nr.url, gina, 'hi'), nr)).text), ['Your order number?']);
    // The answer is taken from the store and waits in the delay (Twilio is acknowledged after replyTimeout).
    await step('the answer', say(nr.url, gina, '4711'), nr);
    await step('the kill', nr.kill(), nr);
    assert.equal(ends(fake, 'answer', gina).length, 0, 'the flow had not finished with it');
    // The same flow with the delay shortened, so the test need not wait for it.
    fs.writeFileSync(path.join(nr.userDir, 'flows.json'), JSON.stringify(askFlow(fake.url, { answerDelayMs: 100 })));
    await step('the start', nr.start(), nr);
    // Emitted again from the inbox, it leaves sms ask (not sms in, which would ask again), with msg.order of before.
    await until('the answer after the start', () => ends(fake, 'answer', gina).length === 1, 20_000);
    const end = ends(fake, 'answer', gina)[0];
    assert.match(end.url, /order=A-17&text=4711$/);
    await sleep(1000);
    assert.equal(ends(fake, 'answer', gina).length, 1, 'once');
    assert.equal(fake.requests.filter((r) => r.route === 'twilio').length, 0, 'not asked again through the API');
    // Answered: the next message is a new one, and is asked again.
    assert.deepEqual(messages((await say(nr.url, gina, 'hello')).text), ['Your order number?']);
  });

  it('embedded store: a timeout that fell due while Node-RED was down (kill -9) fires at start', async function () {
    const nr = await embedded(askFlow(fake.url, { timeout: 2 }));
    const bob = person();
    const first = await say(nr.url, bob, 'hi');
    assert.deepEqual(messages(first.text), ['Your order number?'], `${first.text} ${nr.log}`);
    await step('the kill', nr.kill(), nr);
    await sleep(3000);
    await step('the start', nr.start(), nr);
    await until('the timeout at start', () => ends(fake, 'timeout', bob).length === 1, 20_000);
    // Ended: the next message is a new one, and is asked again.
    assert.deepEqual(messages((await say(nr.url, bob, '4711')).text), ['Your order number?']);
    assert.equal(ends(fake, 'answer', bob).length, 0);
  });

  it('a redeploy that keeps the node keeps its questions; one that removes it ends them, said in the log', async function () {
    const nr = await embedded(askFlow(fake.url));
    const carol = person();
    const dave = person();
    await say(nr.url, carol, 'hi');
    await say(nr.url, dave, 'hi');
    await nr.deploy(askFlow(fake.url), 'full');
    assert.deepEqual(messages((await say(nr.url, carol, '12')).text), ['Got 12 for A-17']);
    await nr.deploy(askFlow(fake.url, { withAsk: false }), 'full');
    await until('the log line', () => /question to \+\d+ ended: its sms ask node \(ask\) was removed/.test(nr.log), 10_000);
    await say(nr.url, dave, '13');
    await until('the plain message', () => ends(fake, 'plain', dave).length === 1);
    assert.equal(ends(fake, 'answer', dave).length, 0);
    assert.equal(fake.requests.filter((r) => r.path.startsWith('/end/timeout') || r.path.startsWith('/end/replaced')).length, 0, 'no output for the ended question');
  });

  it('msg.to: a question the outbound queue holds (429, Retry-After) across a stop and start is sent once after it, and its answer leaves output 1', async function () {
    const nr = await embedded(startFlow(fake.url), SENDER_CREDS);
    const frank = person();
    const sends = () => fake.requests.filter((r) => r.route === 'twilio');
    fake.script('twilio', { status: 429, headers: { 'retry-after': '4' }, body: { code: 20429, message: 'Too Many Requests', status: 429 } });
    const res = await fetch(`${nr.url}/go`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: frank, campaign: 'spring' }) });
    assert.equal(res.status, 200);
    await until('the first try (429)', () => sends().length === 1);
    // The job is back in the queue, held for Retry-After: Node-RED stops before it is due.
    await sleep(500);
    await step('the stop', nr.stop(), nr);
    assert.equal(sends().length, 1, 'nothing more before the stop');
    await step('the start', nr.start(), nr);
    await until('the question after the start', () => sends().length === 2, 30_000);
    assert.deepEqual([sends()[1].body.To, sends()[1].body.From, sends()[1].body.Body], [frank, OURS, 'Still coming?']);
    const answer = await step('the answer', say(nr.url, frank, 'yes'), nr);
    assert.equal(answer.status, 200);
    const answered = () => fake.requests.find((r) => r.path.startsWith('/end/answer2/'));
    await until('the answer at the end of the flow', answered);
    const end = answered();
    assert.equal(decodeURIComponent(end.path), `/end/answer2/${frank}/spring`, 'the answer, with msg.campaign from before the stop');
    await sleep(1000);
    assert.equal(sends().length, 2, 'sent once after the start');
    assert.equal(fake.requests.filter((r) => r.path.startsWith('/end/plain/')).length, 0, 'the answer did not leave sms in');
  });

  it('msg.to: a stop while Twilio has not answered the question\'s send ends without a close timeout; after the start the question ends unknown-outcome, not sent again', async function () {
    const nr = await embedded(startFlow(fake.url), SENDER_CREDS);
    const hana = person();
    const sends = () => fake.requests.filter((r) => r.route === 'twilio');
    fake.script('twilio', { hang: true });
    await fetch(`${nr.url}/go`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ to: hana, campaign: 'x' }) });
    await until('the send Twilio never answers', () => sends().length === 1);
    await step('the stop', nr.stop(), nr);
    assert.doesNotMatch(nr.log, /Close timed out/, 'every node closed within Node-RED\'s close timeout');
    assert.match(nr.log, /1 message\(s\) still waiting for the provider's answer at the stop/);
    await step('the start', nr.start(), nr);
    await until('the question ended', () => ends(fake, 'unknown-outcome', hana).length === 1, 20_000);
    await sleep(1000);
    assert.equal(sends().length, 1, 'not sent again');
  });

  describe('two instances on one redis', function () {
    let redis;
    before(async () => {
      redis = await startRedis();
    });
    after(async () => {
      await redis.stop();
    });

    async function pair(flows) {
      const prefix = `ask${crypto.randomBytes(3).toString('hex')}:`;
      const a = await nodeRedProcess({ flows, store: { type: 'redis', url: redis.url, prefix, instance: 'a' } });
      const b = await nodeRedProcess({ flows, store: { type: 'redis', url: redis.url, prefix, instance: 'b' } });
      started.push(a, b);
      await Promise.all([a.start(), b.start()]);
      return [a, b];
    }

    it('asked on A, answered on B: B emits the answer and replies inline', async function () {
      const [a, b] = await pair(askFlow(fake.url));
      const erin = person();
      assert.deepEqual(messages((await say(a.url, erin, 'hi')).text), ['Your order number?']);
      assert.deepEqual(messages((await say(b.url, erin, '99')).text), ['Got 99 for A-17']);
      await until('the end of the flow', () => ends(fake, 'answer', erin).length === 1);
      await sleep(500);
      assert.equal(fake.requests.filter((r) => r.path.startsWith('/end/')).length, 1, 'one instance emitted it');
    });

    it('a timeout fires on one instance only, also when the instance that asked is gone', async function () {
      const [a, b] = await pair(askFlow(fake.url, { timeout: 1 }));
      const both = [person(), person(), person(), person()];
      await Promise.all(both.map((p, i) => say(i % 2 ? a.url : b.url, p, 'hi')));
      for (const p of both) await until(`the timeout of ${p}`, () => ends(fake, 'timeout', p).length >= 1, 30_000);
      const people = [person(), person(), person()];
      for (const p of people) await say(a.url, p, 'hi');
      // A stops: its questions fall due while only B runs (B reads them from redis).
      await a.stop();
      for (const p of people) await until(`the timeout of ${p}`, () => ends(fake, 'timeout', p).length >= 1, 30_000);
      await sleep(1500);
      for (const p of [...both, ...people]) assert.equal(ends(fake, 'timeout', p).length, 1, `${p}: one timeout`);
    });
  });
});
