'use strict';
// On a real redis-server (Debian's), started here on a free port, saving nothing.
const assert = require('node:assert/strict');
const { openStore, StoreUnavailableError } = require('./store-module');
const { storeContract, count, sleep } = require('./contract');
const { quietLog } = require('./quiet-log');
const { startRedis, ephemeralPort } = require('../support/redis-server');

let redis;
let places = 0;
const placeName = () => `t${process.pid}-${++places}:`;

before(async function () {
  this.timeout(20000);
  redis = await startRedis();
});
after(async function () {
  this.timeout(10000);
  if (redis) await redis.stop();
});

function openOn(server, prefix, settings = {}, log = quietLog()) {
  return openStore({ type: 'redis', url: server.url, prefix, ...settings }, { userDir: '/nonexistent', log });
}

storeContract('redis', {
  durable: true,
  place: placeName,
  open: (prefix, settings) => openOn(redis, prefix, settings),
});

describe('redis store: several instances on one redis', function () {
  this.timeout(20000);
  let a;
  let b;
  let prefix;
  beforeEach(async function () {
    prefix = placeName();
    a = await openOn(redis, prefix, { instance: 'instance-a' });
    b = await openOn(redis, prefix, { instance: 'instance-b' });
  });
  afterEach(async function () {
    await Promise.all([a.close(), b.close()]);
  });

  it('a paced job taken by one instance keeps the other from taking under its key until its request leaves', async function () {
    const pace = { key: 'acct|+1555', intervalMs: 100 };
    const job = (id) => ({ id, lane: 'acct|+1555', dueAt: Date.now(), cost: 1, value: { to: id } });
    await a.outbound.add([job('x1'), job('x2')]);
    assert.deepEqual((await a.outbound.claim('acct|+1555', pace, 5)).jobs.map((j) => j.id), ['x1']);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual((await b.outbound.claim('acct|+1555', pace, 5)).jobs, [], 'B waits while A has not sent x1');
    await a.outbound.departing('x1', pace, 1);
    await new Promise((r) => setTimeout(r, 120));
    assert.deepEqual((await b.outbound.claim('acct|+1555', pace, 5)).jobs.map((j) => j.id), ['x2'], 'an interval after x1 left');
  });

  it('two processes with the same instance id (containers started alike) still wait for each other\'s lease', async function () {
    const twin = await openOn(redis, prefix, { instance: 'instance-a' });
    try {
      const pace = { key: 'acct|+1666', intervalMs: 100 };
      const job = (id) => ({ id, lane: 'acct|+1666', dueAt: Date.now(), cost: 1, value: { to: id } });
      await a.outbound.add([job('t1'), job('t2')]);
      assert.deepEqual((await a.outbound.claim('acct|+1666', pace, 5)).jobs.map((j) => j.id), ['t1']);
      await new Promise((r) => setTimeout(r, 150));
      assert.deepEqual((await twin.outbound.claim('acct|+1666', pace, 5)).jobs, [], 'the twin waits while A has not sent t1');
      assert.deepEqual((await a.outbound.claim('acct|+1666', pace, 5)).jobs.map((j) => j.id), ['t2'], 'A itself takes its next turn');
    } finally {
      await twin.close();
    }
  });

  it('a 429 hold on a pace key nothing has sent from yet expires from redis (a minute after the hold), not kept for ever', async function () {
    await a.outbound.hold('acct|+1777', Date.now() + 5000);
    const Redis = require('ioredis');
    const raw = new Redis(redis.url, { lazyConnect: true });
    try {
      await raw.connect();
      const left = await raw.pttl(`${prefix}ob:pace:acct|+1777`);
      assert.ok(left > 60_000 && left <= 65_000, `the pace key's time to live is ${left} ms (-1: none)`);
    } finally {
      raw.disconnect();
    }
  });

  it('two clients offering the same ids at once: each id is new to exactly one of them', async function () {
    const ids = Array.from({ length: 50 }, (_, i) => `SM${i}`);
    const [fromA, fromB] = await Promise.all([Promise.all(ids.map((id) => a.seen.firstTime(id))), Promise.all(ids.map((id) => b.seen.firstTime(id)))]);
    ids.forEach((id, i) => assert.equal(Number(fromA[i]) + Number(fromB[i]), 1, id));
  });

  it('parts of one message split between two clients make one complete group', async function () {
    const total = 8;
    const adds = Array.from({ length: total }, (_, i) => (i % 2 ? a : b).multipart.add({ group: '+447700900001|ref9', index: i + 1, total, value: `p${i + 1}` }));
    const results = await Promise.all(adds);
    const complete = results.filter((r) => r.state === 'complete');
    assert.equal(complete.length, 1);
    assert.deepEqual(complete[0].parts, Array.from({ length: total }, (_, i) => `p${i + 1}`));
  });

  it('a group split between two clients goes into the inbox once, whole', async function () {
    const total = 6;
    await a.multipart.add({ group: 'split', index: 1, total, value: 'p1', inboxId: 'mp-split' });
    const rest = Array.from({ length: total - 1 }, (_, i) => (i % 2 ? a : b).multipart.add({ group: 'split', index: i + 2, total, value: `p${i + 2}` }));
    await Promise.all(rest);
    const entries = await b.inbox.list();
    assert.deepEqual(entries.map((e) => e.id), ['mp-split']);
    assert.deepEqual(entries[0].value.parts.map((p) => p.value), ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('two clients admitting the same ids at once: each id admitted once', async function () {
    const ids = Array.from({ length: 30 }, (_, i) => `VN${i}`);
    const [fromA, fromB] = await Promise.all([Promise.all(ids.map((id) => a.inbox.admit(id, { by: 'a' }))), Promise.all(ids.map((id) => b.inbox.admit(id, { by: 'b' })))]);
    ids.forEach((id, i) => assert.equal(Number(fromA[i]) + Number(fromB[i]), 1, id));
    assert.equal((await a.inbox.list()).length, ids.length);
  });

  it('an expired group is handed to one of two clients taking at once', async function () {
    const prefix = placeName();
    const c1 = await openOn(redis, prefix, { multipart: { expiryMs: 200 } });
    const c2 = await openOn(redis, prefix, { multipart: { expiryMs: 200 } });
    try {
      await c1.multipart.add({ group: 'g', index: 1, total: 2, value: 'a' });
      await sleep(300);
      const [t1, t2] = await Promise.all([c1.multipart.takeExpired(), c2.multipart.takeExpired()]);
      assert.equal(t1.length + t2.length, 1);
    } finally {
      await Promise.all([c1.close(), c2.close()]);
    }
  });

  it('two clients claiming the reply to one message: one may reply', async function () {
    const claims = await Promise.all([...Array(10)].flatMap(() => [a.replies.claim('SMin'), b.replies.claim('SMin')]));
    assert.equal(count(claims, true), 1);
  });

  it("an inbox entry is listed by every instance with its owner, and claimed by one", async function () {
    await a.inbox.put('in1', { text: 'from a' });
    const seenByB = await b.inbox.list();
    assert.deepEqual(seenByB.map((e) => [e.id, e.owner]), [['in1', 'instance-a']]);
    const [listedByA] = await a.inbox.list();
    const [byA, byB] = await Promise.all([a.inbox.claim(listedByA), b.inbox.claim(seenByB[0])]);
    assert.equal([byA, byB].filter(Boolean).length, 1);
    const winner = byA ? 'instance-a' : 'instance-b';
    assert.equal((await a.inbox.list())[0].owner, winner);
  });

  it('setIfAbsent and take across clients: one winner each', async function () {
    const ca = a.collection('questions');
    const cb = b.collection('questions');
    const sets = await Promise.all([...Array(10)].flatMap((_, i) => [ca.setIfAbsent('+1', { i }), cb.setIfAbsent('+1', { i })]));
    assert.equal(count(sets, true), 1);
    const takes = await Promise.all([...Array(10)].flatMap(() => [ca.take('+1'), cb.take('+1')]));
    assert.equal(takes.filter((t) => t !== undefined).length, 1);
  });

  it('takes a retention that is not a whole number of milliseconds (redis takes no fractions)', async function () {
    const store = await openOn(redis, placeName(), { retentionHours: 1 / 7 });
    try {
      assert.equal(await store.seen.firstTime('frac'), true);
      assert.equal(await store.replies.claim('frac'), true);
      assert.equal(await store.inbox.admit('frac2', {}), true);
    } finally {
      await store.close();
    }
  });

  it('keeps prefixes apart', async function () {
    const other = await openOn(redis, placeName());
    try {
      await a.seen.firstTime('shared-id');
      assert.equal(await other.seen.firstTime('shared-id'), true);
    } finally {
      await other.close();
    }
  });
});

describe('redis store: redis unreachable', function () {
  this.timeout(30000);
  let server;
  beforeEach(async function () {
    server = await startRedis();
  });
  afterEach(async function () {
    await server.stop();
  });

  /** What `work` resolves to once redis answers again (the client reconnects by itself). */
  async function eventually(work, withinMs = 10000) {
    const deadline = Date.now() + withinMs;
    for (;;) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
  }

  async function rejectsUnavailable(work, boundMs) {
    const started = Date.now();
    await assert.rejects(work, (err) => {
      assert.ok(err instanceof StoreUnavailableError, `${err}`);
      assert.equal(err.code, 'SMS_STORE_UNAVAILABLE');
      assert.equal(err.kind, 'redis');
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took < boundMs, `failed after ${took} ms, bound ${boundMs} ms`);
  }

  it('redis stopped mid-test: every kind of operation fails as unavailable, within a bound, and works again when redis is back', async function () {
    const log = quietLog();
    const store = await openOn(server, 'down:', { timeoutMs: 500 }, log);
    try {
      assert.equal(await store.seen.firstTime('before'), true);
      await server.stop();
      const bound = 3000;
      await rejectsUnavailable(store.seen.firstTime('during'), bound);
      await rejectsUnavailable(store.multipart.add({ group: 'g', index: 1, total: 2, value: 'x' }), bound);
      await rejectsUnavailable(store.inbox.put('m', { text: 'x' }), bound);
      await rejectsUnavailable(store.inbox.list(), bound);
      await rejectsUnavailable(store.replies.claim('m'), bound);
      await rejectsUnavailable(store.collection('c').set('k', 1), bound);
      assert.ok(log.lines.some(([level, line]) => level === 'warn' && /unreachable/.test(line)), 'the log says so');

      await server.restart();
      assert.equal(await eventually(() => store.seen.firstTime('after')), true);
      assert.equal(await store.seen.firstTime('after'), false);
    } finally {
      await store.close();
    }
  });

  it('redis that stops answering (SIGSTOP): operations fail as unavailable after timeoutMs, not never', async function () {
    const store = await openOn(server, 'hung:', { timeoutMs: 400 });
    try {
      await store.seen.firstTime('warm');
      server.pause();
      await rejectsUnavailable(store.seen.firstTime('during'), 2500);
      await rejectsUnavailable(store.inbox.claim({ id: 'x', owner: 'y', deliveries: 1 }), 2500);
      server.resume();
    } finally {
      server.resume();
      await store.close();
    }
  });

  it('nothing listening at the url: the store opens within a bound, operations fail as unavailable, and work once redis starts', async function () {
    const closedPort = await ephemeralPort();
    const log = quietLog();
    const started = Date.now();
    const store = await openStore({ type: 'redis', url: `redis://127.0.0.1:${closedPort}/0`, timeoutMs: 500 }, { userDir: '/x', log });
    try {
      assert.ok(Date.now() - started < 3000, 'open does not hang');
      assert.ok(log.lines.some(([level, line]) => level === 'warn' && /redis/.test(line)));
      await rejectsUnavailable(store.seen.firstTime('x'), 2000);
      const late = await startRedis({ port: closedPort });
      try {
        await eventually(() => store.seen.firstTime('x'));
      } finally {
        await late.stop();
      }
    } finally {
      await store.close();
    }
  });

  it('never logs the password of the url', async function () {
    const log = quietLog();
    const store = await openStore({ type: 'redis', url: `redis://user:s3cret-pw@127.0.0.1:${server.port}/0`, timeoutMs: 500 }, { userDir: '/x', log });
    await store.close();
    assert.ok(log.lines.length > 0);
    for (const [, line] of log.lines) assert.doesNotMatch(line, /s3cret-pw/);
  });
});
