'use strict';
// The opt-out list when the sms store fails (SPEC §7, §8), in a real runtime on a real
// redis-server whose ACL refuses the consent keys only (NOPERM): messages still come in and
// the queue still works, but the list can be neither read nor written, as when a store fails
// part-way. A STOP is not forgotten (kept in memory, honoured, shown, written once the store
// takes it); sms send fails closed; nothing says "now on the list" when it is not.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Redis } = require('ioredis');
const rt = require('../../support/runtime');
const { startRedis } = require('../../support/redis-server');
const { twilioSignature } = require('../../support/sign');
const consent = require('../../../dist/runtime/consent');
const { releaseStore } = require('../../../dist/runtime/sms-store');

/**
 * Closes the runtime's sms store once no flow uses it, so the next flow opens the one the
 * settings name: the test runtime's unload does not close it (nodes are not removed there).
 */
async function closeRuntimeStore() {
  await rt.unload();
  await releaseStore(true);
}

const SID = 'AC00000000000000000000000000000016';
const TOKEN = 'consent-failure-token';
const ACCOUNT = `twilio:${SID}`;
const OUR_NUMBER = '+14155550198';
let SENDER = '';
let senders = 200;

function flow(apiHost, { wait = 0, replyTimeout = 10 } = {}) {
  const middle = wait ? [{ id: 'wait', type: 'function', z: 'tab', func: `setTimeout(() => node.send(msg), ${wait}); return null;`, outputs: 1, wires: [['reply']] }] : [];
  return [
    { id: 'tab', type: 'tab', label: 'consent failure' },
    { id: 'acct', type: 'sms account', name: 'main', provider: 'twilio', apiHost },
    { id: 'in', type: 'sms in', z: 'tab', account: 'acct', provider: 'twilio', path: '/cf/in', replyTimeout, wires: [[wait ? 'wait' : 'reply']] },
    ...middle,
    { id: 'reply', type: 'sms reply', z: 'tab', text: '{{#sms.optOut}}You are unsubscribed{{/sms.optOut}}{{^sms.optOut}}Thanks{{/sms.optOut}}', media: '', wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'send', type: 'sms send', z: 'tab', account: 'acct', from: OUR_NUMBER, to: 'to', toType: 'msg', text: 'News', textType: 'str', wires: [['sent'], ['notSent']] },
    { id: 'sent', type: 'helper', z: 'tab' },
    { id: 'notSent', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}
const CREDS = { acct: { accountSid: SID, authToken: TOKEN } };

function params(body) {
  return { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`, AccountSid: SID, From: SENDER, To: OUR_NUMBER, Body: body };
}
const postTwilio = (url, p) => rt.postForm(url, p, { 'X-Twilio-Signature': twilioSignature(TOKEN, url, p) });

async function listed() {
  const res = await rt.helper.request().get('/sms-consent/lists').query({ account: ACCOUNT });
  return res.status === 200 ? res.body.entries : undefined;
}

async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await rt.sleep(50);
  }
}

const warned = (re) => rt.helper.log().args.some(([entry]) => entry && typeof entry.msg === 'string' && re.test(entry.msg));

describe('opt-out list with a failing sms store', function () {
  this.timeout(60_000);
  let fake;
  let redis;
  let admin;
  let restore;
  const rejections = [];
  const onRejection = (reason) => rejections.push(reason);
  const prefix = `cf${process.pid}:`;
  // Everything but the consent collections (`<prefix>c:consent-…`).
  const block = () => admin.call('ACL', 'SETUSER', 'default', 'resetkeys', `~${prefix}[^c]*`, `~${prefix}c:[^c]*`);
  const unblock = () => admin.call('ACL', 'SETUSER', 'default', 'allkeys');

  before(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url, { lazyConnect: true });
    await admin.connect();
    await closeRuntimeStore();
    restore = rt.settings({ smsStore: { type: 'redis', url: redis.url, prefix, timeoutMs: 2000 } });
    process.on('unhandledRejection', onRejection);
  });
  beforeEach(() => {
    SENDER = `+1415555${String(++senders).padStart(4, '0')}`;
    rejections.length = 0;
  });
  // Before the runtime's own afterEach (which unloads the flow and empties the lists): the store is whole again first.
  afterEach(async () => {
    await unblock();
    assert.deepEqual(rejections, [], 'no unhandled rejection');
  });
  rt.useFakeProvider((f) => {
    fake = f;
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    restore();
    // The next test file gets the store it asks for, not this redis (stopped below).
    await closeRuntimeStore();
    admin.disconnect();
    await redis.stop();
  });

  it('a STOP the store cannot take is kept in memory: sms reply and sms send refuse the number, the status says so, and the list gets it once the store is back', async function () {
    const r = await rt.load(flow(fake.url), CREDS);
    assert.match(rt.lastStatus('in').text, /· redis/, 'the flow runs on the redis store');
    const out = rt.collector('out');
    const notSent = rt.collector('notSent');
    await block();
    const stop = await postTwilio(r.url('/cf/in'), params('STOP'));
    assert.equal(stop.status, 200);
    assert.match(stop.text, /<Message>You are unsubscribed<\/Message>/, 'the STOP is still confirmed');
    await out.next(5000);
    assert.match(rt.lastStatus('in').text, /^1 opt-out kept in memory, not yet in the sms store/);
    assert.equal(rt.lastStatus('in').fill, 'yellow');
    assert.ok(warned(new RegExp(`could not add \\${SENDER} to the opt-out list .*kept in memory`)));

    const hello = await postTwilio(r.url('/cf/in'), params('hello'));
    assert.equal(hello.status, 200);
    assert.doesNotMatch(hello.text, /<Message>/, 'no reply to the sender who said STOP');
    assert.equal((await out.next(5000)).sms.reply.notSent, 'opted-out');

    r.getNode('send').receive({ to: SENDER });
    const refused = await notSent.next(5000);
    assert.equal(refused.sms.notSent.reason, 'opted-out');
    assert.equal(fake.requests.length, 0, 'nothing sent to the provider');

    await unblock();
    // The list (read through the sidebar's route) has it, written to the store, not only held.
    await until('the opt-out written to the store', async () => (await listed())?.some((e) => e.number === SENDER && !e.unsaved));
    await until('the status cleared', () => !/kept in memory/.test(rt.lastStatus('in').text));
    const entry = (await listed()).find((e) => e.number === SENDER);
    assert.deepEqual([entry.why, entry.detail], ['stop', 'STOP']);
  });

  it('a refusal as opted out (Twilio 21610) that the store cannot take does not say "now on the list", and the number is refused meanwhile', async function () {
    const r = await rt.load(flow(fake.url, { wait: 400, replyTimeout: 0.2 }), CREDS);
    const caught = rt.collector('caught');
    const out = rt.collector('out');
    await block();
    fake.script('twilio', {
      status: 400,
      body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 },
    });
    await postTwilio(r.url('/cf/in'), params('hello'));
    const failed = await caught.next(5000);
    assert.doesNotMatch(failed.error.message, /is now on this account's opt-out list/);
    assert.match(failed.error.message, new RegExp(`\\${SENDER} could not be written to this account's opt-out list`));
    await postTwilio(r.url('/cf/in'), params('hello again'));
    assert.equal((await out.next(5000)).sms.reply.notSent, 'opted-out');
    assert.equal(fake.requests.length, 1, 'only the refused send reached the provider');
  });

  it('sms send fails closed: while the list cannot be read nothing is sent; the job waits and, once it can, a listed number is reported opted-out', async function () {
    const r = await rt.load(flow(fake.url), CREDS);
    const sent = rt.collector('sent');
    const notSent = rt.collector('notSent');
    await rt.helper.request().post('/sms-consent/add').send({ account: ACCOUNT, number: SENDER }).expect(200);
    await block();
    r.getNode('send').receive({ to: SENDER });
    await until('the warning that the list cannot be read', () => warned(/could not read the opt-out list .*was not sent, and waits/));
    assert.equal(fake.requests.length, 0, 'nothing sent while the list cannot be read');
    assert.equal(sent.messages.length + notSent.messages.length, 0, 'the job is still waiting');
    await unblock();
    const result = await notSent.next(15000);
    assert.equal(result.sms.notSent.reason, 'opted-out');
    assert.equal(fake.requests.length, 0);
    assert.equal(sent.messages.length, 0);
  });

  it('a node closed before its opt-out is written shows no status when it is', async function () {
    const r = await rt.load(flow(fake.url), CREDS);
    const out = rt.collector('out');
    const old = r.getNode('in');
    await block();
    await postTwilio(r.url('/cf/in'), params('STOP'));
    await out.next(5000);
    assert.equal(consent.unsavedCount(), 1);
    // Another flow deployed: the old sms in is closed.
    await rt.load([{ id: 'tab', type: 'tab', label: 'other' }, { id: 'other', type: 'helper', z: 'tab' }]);
    const statuses = () => rt.helper._NodePrototype.status.getCalls().filter((c) => c.thisValue === old).length;
    const before = statuses();
    await unblock();
    // A store read (the sidebar's) makes the runtime write what it holds.
    await rt.load(flow(fake.url), CREDS);
    await until('the held opt-out written', async () => {
      await listed();
      return consent.unsavedCount() === 0;
    });
    assert.equal(statuses(), before, 'no status on the closed node');
  });
});
