'use strict';
// The outbound queue of sms send in the SMS sidebar's admin routes (SPEC §8), in a real
// runtime: each account's counts and first jobs, pause holding sends (the fake provider gets
// no request) until resume, and clear emptying the queue with each job on output 2 `cleared`.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');

const TOKEN = 'queue-route-secret-token';
const CREDS = { acct: { accountSid: 'AC00000000000000000000000000000042', authToken: TOKEN } };

function flow(fakeUrl) {
  return [
    { id: 'tab', type: 'tab', label: 'queue' },
    { id: 'acct', type: 'sms account', name: 'shop', provider: 'twilio', apiHost: fakeUrl, country: 'GB' },
    { id: 'send', type: 'sms send', z: 'tab', name: 'reminders', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'Hello {{name}}', textType: 'str', rate: '50', wires: [['sent'], ['notSent']] },
    { id: 'sent', type: 'helper', z: 'tab' },
    { id: 'notSent', type: 'helper', z: 'tab' },
  ];
}

const admin = () => rt.helper.request();

async function accounts(query = {}) {
  const res = await admin().get('/sms-queue/accounts').query(query).expect(200);
  return res.body.accounts;
}

async function shop(query) {
  return (await accounts(query)).find((a) => a.id === 'acct');
}

/** Polls the listing until `ok(account)`: the queue works asynchronously. */
async function until(ok, what, query) {
  let last;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    last = await shop(query);
    if (last && ok(last)) return last;
    await rt.sleep(50);
  }
  throw new Error(`${what}: the listing stayed ${JSON.stringify(last)}`);
}

describe('SMS sidebar: the outbound queue', function () {
  this.timeout(60_000);
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });
  const twilioSends = () => fake.requests.filter((r) => r.route === 'twilio');
  // The runtime's store outlives one test's flow: no test leaves the account paused.
  afterEach(async () => {
    await admin().post('/sms-queue/resume').send({ account: 'acct' });
  });

  it('lists the account with nothing queued, and never the credentials', async function () {
    await rt.load(flow(fake.url), CREDS);
    const res = await admin().get('/sms-queue/accounts').query({ jobs: 5 }).expect(200);
    const a = res.body.accounts.find((x) => x.id === 'acct');
    assert.deepEqual(
      { name: a.name, provider: a.provider, deployed: a.deployed, paused: a.paused, waiting: a.waiting, scheduled: a.scheduled, sending: a.sending, jobs: a.jobs },
      { name: 'shop', provider: 'Twilio', deployed: true, paused: false, waiting: 0, scheduled: 0, sending: 0, jobs: [] },
    );
    assert.doesNotMatch(JSON.stringify(res.body), new RegExp(TOKEN));
  });

  it('pause holds the sends (no request reaches the provider) and shows them waiting; resume sends them', async function () {
    const { getNode } = await rt.load(flow(fake.url), CREDS);
    const sent = rt.collector('sent');
    const paused = await admin().post('/sms-queue/pause').send({ account: 'acct' }).expect(200);
    assert.deepEqual(paused.body, { account: 'acct', paused: true });
    getNode('send').receive({ to: ['+447700900501', '+447700900502'], name: 'Ann' });
    const waiting = await until((a) => a.waiting === 2, 'two jobs waiting', { jobs: 1 });
    assert.equal(waiting.paused, true);
    assert.deepEqual(waiting.senders, [{ from: '+15557650002', waiting: 2, scheduled: 0, sending: 0 }]);
    assert.equal(waiting.jobs.length, 1, 'the first job only, as asked');
    const [first] = waiting.jobs;
    assert.deepEqual(
      { to: first.to, from: first.from, text: first.text, state: first.state, node: first.node, nodeName: first.nodeName },
      { to: '+447700900501', from: '+15557650002', text: 'Hello Ann', state: 'waiting', node: 'send', nodeName: 'reminders' },
    );
    assert.ok(Date.parse(first.dueAt) <= Date.now());
    // Longer than the queue takes to send when it is not paused (it re-reads the store every second).
    await rt.sleep(2500);
    assert.equal(twilioSends().length, 0, 'nothing sent while paused');
    assert.equal((await shop()).waiting, 2);

    const resumed = await admin().post('/sms-queue/resume').send({ account: 'acct' }).expect(200);
    assert.deepEqual(resumed.body, { account: 'acct', paused: false });
    const out = [await sent.next(10_000), await sent.next(10_000)];
    assert.deepEqual(out.map((m) => m.topic), ['+447700900501', '+447700900502']);
    assert.deepEqual(twilioSends().map((r) => r.body.To), ['+447700900501', '+447700900502']);
    const after = await until((a) => a.waiting + a.scheduled + a.sending === 0, 'the queue empty');
    assert.equal(after.paused, false);
  });

  it('clear empties the queue and reports each job on output 2 with reason cleared; nothing is sent', async function () {
    const { getNode } = await rt.load(flow(fake.url), CREDS);
    const notSent = rt.collector('notSent');
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    getNode('send').receive({ to: ['+447700900601', '+447700900602'], name: 'Bo', sendAt, keep: 'me' });
    const scheduled = await until((a) => a.scheduled === 2, 'two jobs scheduled', { jobs: 10 });
    assert.deepEqual(scheduled.jobs.map((j) => [j.to, j.state, j.dueAt]), [
      ['+447700900601', 'scheduled', sendAt],
      ['+447700900602', 'scheduled', sendAt],
    ]);

    const cleared = await admin().post('/sms-queue/clear').send({ account: 'acct' }).expect(200);
    assert.deepEqual(cleared.body, { account: 'acct', cleared: 2 });
    const reported = [await notSent.next(5000), await notSent.next(5000)];
    assert.deepEqual(reported.map((m) => [m.topic, m.sms.notSent.reason]), [
      ['+447700900601', 'cleared'],
      ['+447700900602', 'cleared'],
    ]);
    assert.match(reported[0].sms.notSent.error, /removed from the queue in the SMS sidebar/);
    assert.equal(reported[0].keep, 'me', 'the input message is kept');
    const empty = await shop({ jobs: 10 });
    assert.deepEqual([empty.waiting, empty.scheduled, empty.sending, empty.jobs], [0, 0, 0, []]);
    assert.equal(twilioSends().length, 0);
    const again = await admin().post('/sms-queue/clear').send({ account: 'acct' }).expect(200);
    assert.equal(again.body.cleared, 0);
  });

  it('answers bad input 400 (or 404 for an unknown account) with a sentence, and changes nothing', async function () {
    await rt.load(flow(fake.url), CREDS);
    const sentence = (res) => assert.match(res.body.error, /^[A-Za-z].{10,}/, JSON.stringify(res.body));
    for (const jobs of ['abc', '-1', '101', '1.5']) sentence(await admin().get('/sms-queue/accounts').query({ jobs }).expect(400));
    sentence(await admin().get('/sms-queue/accounts').query({ account: 'nope' }).expect(404));
    for (const route of ['pause', 'resume', 'clear']) {
      sentence(await admin().post(`/sms-queue/${route}`).type('form').send({ account: 'acct' }).expect(400));
      sentence(await admin().post(`/sms-queue/${route}`).send({}).expect(400));
      sentence(await admin().post(`/sms-queue/${route}`).send({ account: 42 }).expect(400));
      sentence(await admin().post(`/sms-queue/${route}`).send(['acct']).expect(400));
      sentence(await admin().post(`/sms-queue/${route}`).send({ account: 'not-an-account' }).expect(404));
    }
    assert.equal((await shop()).paused, false);
  });
});
