'use strict';
// The SMS sidebar's opt-out list routes (SPEC §8) in a real runtime, over HTTP as the
// sidebar calls them: what a write route accepts (JSON only, a size cap), and what an
// import of a real-world CSV (quoted fields, `;` or tab separators, headings) puts on the list.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');

const SID = 'AC00000000000000000000000000000077';
const ACCOUNT = `twilio:${SID}`;

function flow(apiHost) {
  return [
    { id: 'tab', type: 'tab', label: 'routes' },
    { id: 'acct', type: 'sms account', name: 'main', provider: 'twilio', apiHost },
    { id: 'in', type: 'sms in', z: 'tab', account: 'acct', provider: 'twilio', path: '/cr/in', wires: [[]] },
  ];
}

const post = (route) => rt.helper.request().post(`/sms-consent/${route}`);
const importCsv = (csv) => post('import').send({ account: ACCOUNT, csv }).expect(200);

async function entries() {
  const res = await rt.helper.request().get('/sms-consent/lists').query({ account: ACCOUNT }).expect(200);
  return res.body.entries;
}

describe('opt-out list routes of the SMS sidebar', function () {
  this.timeout(20_000);
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });
  beforeEach(async () => {
    await rt.load(flow(fake.url), { acct: { accountSid: SID, authToken: 'routes-token' } });
  });

  it('write routes take JSON only: another content type is answered 415, bad JSON or a non-object 400, each with a sentence', async function () {
    const form = await post('add').type('form').send('account=x&number=%2B15551230001').expect(415);
    assert.match(form.body.error, /send the request as JSON \(Content-Type: application\/json\)/);
    const plain = await post('import').set('Content-Type', 'text/csv').send('+15551230001\n').expect(415);
    assert.match(plain.body.error, /as JSON.*"text\/csv"/);
    const broken = await post('add').set('Content-Type', 'application/json').send('{"account": ').expect(400);
    assert.match(broken.body.error, /not valid JSON/);
    const list = await post('remove').set('Content-Type', 'application/json').send('["+15551230001"]').expect(400);
    assert.match(list.body.error, /must be a JSON object/);
    assert.deepEqual(await entries(), []);
  });

  it('an import over the size cap is answered 413 with a sentence, and lists nothing', async function () {
    const csv = '+15551230001\n'.repeat(Math.ceil((2.2 * 1024 * 1024) / 13));
    const res = await post('import').send({ account: ACCOUNT, csv }).expect(413);
    assert.match(res.body.error, /larger than 2MB, the most an import takes.*split the file/);
    assert.deepEqual(await entries(), []);
  });

  it('reads quoted fields and a `;` separated file: a `;` or a comma inside quotes is text', async function () {
    const csv = 'Number;Since;Note\r\n"+44 7700 900001";2026-01-02T03:04:05Z;"said ""stop""; twice, by phone"\r\n+44 7700 900002;;\r\n';
    const r = await importCsv(csv);
    assert.deepEqual([r.body.added, r.body.skippedCount], [2, 0]);
    const byNumber = Object.fromEntries((await entries()).map((e) => [e.number, e]));
    assert.equal(byNumber['+447700900001'].detail, 'said "stop"; twice, by phone');
    assert.equal(byNumber['+447700900001'].since, '2026-01-02T03:04:05.000Z');
    assert.equal(byNumber['+447700900002'].why, 'import');
  });

  it('in a comma-separated file, a `;` inside an unquoted note is text, not a new column', async function () {
    const r = await importCsv('number,note\n+15551230003,called; asked to stop\n');
    assert.equal(r.body.added, 1);
    assert.equal((await entries())[0].detail, 'called; asked to stop');
  });

  it('reads a tab-separated file', async function () {
    const r = await importCsv('name\tphone\nAnn\t+15551230004\nBob\t+15551230005\n');
    assert.deepEqual([r.body.added, r.body.skippedCount], [2, 0]);
    assert.deepEqual((await entries()).map((e) => e.number).sort(), ['+15551230004', '+15551230005']);
  });

  it('a heading is matched whole: `phone` is the number column, not `phone type` or `total`', async function () {
    const r = await importCsv('total,phone type,phone\n3,mobile,+15551230006\n');
    assert.deepEqual([r.body.added, r.body.skippedCount, r.body.skipped], [1, 0, []]);
    assert.deepEqual((await entries()).map((e) => e.number), ['+15551230006']);
  });

  it('a number already listed keeps its entry on a re-import (why, since, detail), and counts as already listed', async function () {
    await post('add').send({ account: ACCOUNT, number: '+15551230007', detail: 'asked by phone' }).expect(200);
    const [before] = await entries();
    const r = await importCsv('number,since,note\n+15551230007,2020-01-01T00:00:00Z,from the old system\n');
    assert.deepEqual([r.body.added, r.body.alreadyListed], [0, 1]);
    assert.deepEqual(await entries(), [before]);
    assert.equal(before.why, 'sidebar');
  });

  it('a `since` in the future is read as now', async function () {
    const before = Date.now();
    await importCsv('number,since\n+15551230008,2999-01-01T00:00:00Z\n');
    const [entry] = await entries();
    const since = Date.parse(entry.since);
    assert.ok(since >= before - 1000 && since <= Date.now() + 1000, entry.since);
  });
});
