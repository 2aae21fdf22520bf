'use strict';
// The opt-out lists on each store kind: memory, embedded (a temporary directory, reopened),
// redis (a real redis-server, two clients).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openStore } = require('../store/store-module');
const { quietLog } = require('../store/quiet-log');
const { startRedis } = require('../support/redis-server');
const { consentList } = require('../../dist/runtime/consent');

const TWILIO = 'twilio:AC00000000000000000000000000000001';
const VONAGE = 'vonage:abcd1234';

function behaves(kind, open) {
  describe(`opt-out list on the ${kind} store`, function () {
    this.timeout(20000);
    let store;
    let list;
    beforeEach(async function () {
      store = await open();
      list = consentList(store);
    });
    afterEach(async function () {
      await store.close();
    });

    it('a number opted out is listed with since and why, normalized to E.164, for its account only', async function () {
      const { entry, added } = await list.optOut(TWILIO, '447700900001', { why: 'stop', at: '2026-01-02T03:04:05Z', detail: 'STOP' });
      assert.equal(added, true);
      assert.deepEqual(entry, { number: '+447700900001', since: '2026-01-02T03:04:05.000Z', why: 'stop', detail: 'STOP' });
      assert.deepEqual(await list.optedOut(TWILIO, '+44 7700 900001'), entry);
      assert.equal(await list.optedOut(VONAGE, '+447700900001'), undefined);
      assert.deepEqual(await list.list(TWILIO), [entry]);
      assert.deepEqual(await list.list(VONAGE), []);
      assert.deepEqual(await list.accounts(), [TWILIO]);
    });

    it('a second opt-out keeps the first; opting in takes the number off', async function () {
      await list.optOut(VONAGE, '+15551230001', { why: 'stop', at: 1000 });
      const again = await list.optOut(VONAGE, '+15551230001', { why: 'sidebar' });
      assert.equal(again.added, false);
      assert.equal(again.entry.why, 'stop');
      const removed = await list.optIn(VONAGE, '15551230001', 'start');
      assert.equal(removed.why, 'stop');
      assert.equal(await list.optedOut(VONAGE, '+15551230001'), undefined);
      assert.equal(await list.optIn(VONAGE, '+15551230001', 'start'), undefined);
    });

    it('a Messenger id made of digits is its own entry, not the phone number with the same digits', async function () {
      const { entry } = await list.optOut(TWILIO, '447700900002', { why: 'stop', channel: 'messenger' });
      assert.equal(entry.number, '447700900002');
      assert.equal((await list.optedOut(TWILIO, '447700900002', 'messenger')).why, 'stop');
      assert.equal(await list.optedOut(TWILIO, '+447700900002'), undefined, 'the phone number did not opt out');
      assert.equal(await list.optedOut(TWILIO, '447700900002', 'sms'), undefined);
      assert.deepEqual((await list.list(TWILIO)).map((e) => e.number), ['447700900002']);
    });

    it('an opt-out time in the future is kept as now', async function () {
      const before = Date.now();
      const { entry } = await list.optOut(VONAGE, '+15551230003', { why: 'stop', at: '2999-01-01T00:00:00Z' });
      assert.ok(Date.parse(entry.since) >= before - 1000 && Date.parse(entry.since) <= Date.now() + 1000, entry.since);
    });

    it('lists most recent first', async function () {
      await list.optOut(TWILIO, '+15551230001', { why: 'import', at: '2025-01-01T00:00:00Z' });
      await list.optOut(TWILIO, '+15551230002', { why: 'sidebar', at: '2026-01-01T00:00:00Z' });
      assert.deepEqual((await list.list(TWILIO)).map((e) => e.number), ['+15551230002', '+15551230001']);
    });

    it('refuses an empty number or account with a sentence', async function () {
      await assert.rejects(list.optOut(TWILIO, '  ', { why: 'sidebar' }), /not a number/);
      await assert.rejects(list.optedOut('', '+15551230001'), /account key/);
    });
  });
}

behaves('memory', () => openStore({ type: 'memory' }, { userDir: os.tmpdir(), log: quietLog() }));

const dirs = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
behaves('embedded', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-'));
  dirs.push(dir);
  return openStore({ type: 'embedded' }, { userDir: dir, log: quietLog() });
});

describe('opt-out list on redis', function () {
  this.timeout(20000);
  let redis;
  let prefixes = 0;
  before(async function () {
    redis = await startRedis();
  });
  after(async function () {
    if (redis) await redis.stop();
  });
  const openRedis = (prefix, instance) => openStore({ type: 'redis', url: redis.url, prefix, instance }, { userDir: '/nonexistent', log: quietLog() });

  it('what one instance lists, another sees at once, and its opt-in too', async function () {
    const prefix = `consent${process.pid}-${++prefixes}:`;
    const a = await openRedis(prefix, 'a');
    const b = await openRedis(prefix, 'b');
    try {
      await consentList(a).optOut(TWILIO, '+15551230009', { why: 'stop' });
      assert.equal((await consentList(b).optedOut(TWILIO, '+15551230009')).why, 'stop');
      assert.deepEqual(await consentList(b).accounts(), [TWILIO]);
      await consentList(b).optIn(TWILIO, '+15551230009', 'start');
      assert.equal(await consentList(a).optedOut(TWILIO, '+15551230009'), undefined);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('opt-out list on the embedded store across a reopen', function () {
  it('a listed number is still listed when the database is opened again', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-'));
    dirs.push(dir);
    const first = await openStore({ type: 'embedded' }, { userDir: dir, log: quietLog() });
    await consentList(first).optOut(VONAGE, '+447700900123', { why: 'provider-refusal', detail: 'Vonage SMS API status 7 (number barred)' });
    await first.close();
    const second = await openStore({ type: 'embedded' }, { userDir: dir, log: quietLog() });
    try {
      assert.equal((await consentList(second).optedOut(VONAGE, '+447700900123')).why, 'provider-refusal');
    } finally {
      await second.close();
    }
  });
});
