'use strict';
// The outbound queue of sms send (SPEC §8), as every store kind keeps it: order per lane,
// due times, the pace decided in the store, one taker per job, sending jobs kept across a
// restart. Called from the store contract with its `open` and harness.
const assert = require('node:assert/strict');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const job = (id, lane = 'acct|+1555', extra = {}) => ({ id, lane, dueAt: Date.now(), cost: 1, value: { to: id }, ...extra });
const FREE = { key: 'free', intervalMs: 0 };
const ids = (result) => result.jobs.map((j) => j.id);
const { LOOKAHEAD_MS } = require('../../dist/store');

function outboundContract(harness, open) {
  describe('the outbound queue', function () {
    it('takes the jobs of a lane in the order they were added, marked sending by this instance', async function () {
      const store = await open();
      const now = Date.now();
      await store.outbound.add([1, 2, 3, 4, 5].map((n) => job(`j${n}`, 'a', { dueAt: now })));
      await store.outbound.add([job('other', 'b')]);
      const first = await store.outbound.claim('a', FREE, 2);
      assert.deepEqual(ids(first), ['j1', 'j2']);
      assert.equal(first.jobs[0].owner, store.instance);
      assert.deepEqual(first.jobs[0].value, { to: 'j1' }, 'the value comes back as it went in');
      assert.ok(first.retryAt !== undefined && first.retryAt <= Date.now() + 5, 'more is waiting: ask again now');
      assert.deepEqual(ids(await store.outbound.claim('a', FREE, 10)), ['j3', 'j4', 'j5']);
      const empty = await store.outbound.claim('a', FREE, 10);
      assert.deepEqual(empty, { jobs: [], retryAt: undefined }, 'an empty lane says so');
      assert.deepEqual(await store.outbound.lanes(), ['b']);
    });

    it('adds a job id once', async function () {
      const store = await open();
      await store.outbound.add([job('same'), job('same')]);
      await store.outbound.add([job('same')]);
      assert.deepEqual(ids(await store.outbound.claim('acct|+1555', FREE, 10)), ['same']);
    });

    it('keeps a scheduled job until its due time, and says when that is', async function () {
      const store = await open();
      const later = Date.now() + 600;
      await store.outbound.add([job('later', 'a', { dueAt: later }), job('now', 'a')]);
      const first = await store.outbound.claim('a', FREE, 10);
      assert.deepEqual(ids(first), ['now'], 'due jobs first; the scheduled one waits');
      assert.ok(Math.abs(first.retryAt - later) < 50, `retry at its due time (${first.retryAt - later} ms off)`);
      const counts = await store.outbound.counts();
      assert.deepEqual(counts, [{ lane: 'a', waiting: 0, scheduled: 1, sending: 1 }]);
      await sleep(700);
      assert.deepEqual(ids(await store.outbound.claim('a', FREE, 10)), ['later']);
    });

    it('paces a key: one unit of cost per interval, no burst, shared by the lanes under it', async function () {
      const store = await open();
      const pace = { key: 'acct', intervalMs: 200 };
      await store.outbound.add([job('a1', 'a', { cost: 2 }), job('a2', 'a'), job('b1', 'b')]);
      const first = await store.outbound.claim('a', pace, 10);
      assert.deepEqual(ids(first), ['a1'], 'one job, then the pace holds the rest');
      await store.outbound.departing('a1', pace, 2);
      const wait = first.retryAt - Date.now();
      assert.ok(wait > 250 && wait <= 400, `a job of cost 2 holds the key for 2 intervals (${wait} ms)`);
      const other = await store.outbound.claim('b', pace, 10);
      assert.deepEqual(ids(other), [], 'another lane under the same key waits too');
      await sleep(wait + 20);
      assert.deepEqual(ids(await store.outbound.claim('b', pace, 10)), ['b1']);
      await store.outbound.departing('b1', pace, 1);
      assert.deepEqual(ids(await store.outbound.claim('a', pace, 10)), [], 'b1 took the next interval');
      await sleep(230);
      assert.deepEqual(ids(await store.outbound.claim('a', pace, 10)), ['a2']);
    });

    it('keeps a paced key for the instance whose job holds it, which takes its next turns itself, and paces from when a request leaves', async function () {
      const store = await open();
      const pace = { key: 'dep', intervalMs: 100 };
      await store.outbound.add([job('d1', 'd'), job('d2', 'd'), job('d3', 'd')]);
      const first = await store.outbound.claim('d', pace, 10);
      assert.deepEqual(ids(first), ['d1']);
      await sleep(150);
      // Another instance would wait for d1 to leave (redis.test.js); this one sends its turns in order.
      const again = await store.outbound.claim('d', pace, 10);
      assert.deepEqual(ids(again), ['d2'], 'the instance holding the key takes its next turn');
      assert.ok(again.jobs[0].slotAt - first.jobs[0].slotAt >= 100 - 0.01, 'one interval after the turn before');
      await store.outbound.departing('someone else', pace, 0);
      const leftAt = Date.now();
      await store.outbound.departing('d2', pace, 1);
      const after = await store.outbound.claim('d', pace, 10);
      assert.deepEqual(ids(after), [], 'the next one waits an interval from when d2 left');
      assert.ok(after.retryAt - leftAt >= 100 - LOOKAHEAD_MS - 5, `asked again at most the lookahead before its turn (${after.retryAt - leftAt} ms)`);
      await sleep(after.retryAt - Date.now() + 20);
      const d3 = await store.outbound.claim('d', pace, 10);
      assert.deepEqual(ids(d3), ['d3']);
      assert.ok(d3.jobs[0].slotAt - leftAt >= 100 - 10, `its turn is a whole interval after d2 left (${d3.jobs[0].slotAt - leftAt} ms)`);
    });

    it('takes, in one claim, the paced jobs whose turns fall within the lookahead, each a turn one interval after the one before', async function () {
      const store = await open();
      const pace = { key: 'ahead', intervalMs: 10 };
      await store.outbound.add(Array.from({ length: 20 }, (_, i) => job(`h${i}`, 'h')));
      const before = Date.now();
      const first = await store.outbound.claim('h', pace, 16);
      const n = first.jobs.length;
      assert.ok(n >= LOOKAHEAD_MS / 10 - 1 && n <= LOOKAHEAD_MS / 10 + 1, `about lookahead / interval jobs (${n})`);
      assert.deepEqual(ids(first), Array.from({ length: n }, (_, i) => `h${i}`), 'in order');
      assert.ok(first.jobs[0].slotAt >= before - 5 && first.jobs[0].slotAt <= Date.now() + 5, 'the first turn is now');
      for (let i = 1; i < n; i++) assert.ok(Math.abs(first.jobs[i].slotAt - first.jobs[i - 1].slotAt - 10) < 0.01, `turn ${i} one interval after turn ${i - 1}`);
      assert.ok(first.jobs[n - 1].slotAt <= first.now + LOOKAHEAD_MS, 'no turn past the lookahead');
      const leftAt = Date.now();
      await store.outbound.departing(`h${n - 1}`, pace, 1);
      let next = await store.outbound.claim('h', pace, 16);
      if (next.jobs.length === 0) {
        // Its turns start after the ones already taken: asked again at the time it said.
        assert.ok(next.retryAt !== undefined && next.retryAt - Date.now() <= 10 + 5, `asked again within an interval (${next.retryAt - Date.now()} ms)`);
        await sleep(Math.max(0, next.retryAt - Date.now()) + 2);
        next = await store.outbound.claim('h', pace, 16);
      }
      assert.equal(next.jobs[0] && next.jobs[0].id, `h${n}`, 'the next turns follow in order');
      assert.ok(next.jobs[0].slotAt - leftAt >= 10 - 5, `one interval after it left (${next.jobs[0].slotAt - leftAt} ms)`);
    });

    it('gives each job to one taker when many take at once', async function () {
      const store = await open();
      await store.outbound.add(Array.from({ length: 60 }, (_, i) => job(`r${i}`, 'race')));
      const results = await Promise.all(Array.from({ length: 30 }, () => store.outbound.claim('race', FREE, 3)));
      const taken = results.flatMap(ids);
      assert.equal(taken.length, 60);
      assert.equal(new Set(taken).size, 60, 'no job twice');
    });

    it('finishes a taken job once; puts one back at the head of its lane; holds a key', async function () {
      const store = await open();
      await store.outbound.add([job('h1', 'h'), job('h2', 'h')]);
      const [h1] = (await store.outbound.claim('h', FREE, 1)).jobs;
      assert.equal(await store.outbound.finish('h2'), false, 'not taken: nothing to finish');
      assert.equal(await store.outbound.requeue(h1.id), true);
      assert.equal(await store.outbound.requeue(h1.id), false, 'back already');
      await store.outbound.hold('free-h', Date.now() + 400);
      assert.deepEqual(ids(await store.outbound.claim('h', { key: 'free-h', intervalMs: 0 }, 5)), [], 'held');
      await sleep(450);
      const again = await store.outbound.claim('h', { key: 'free-h', intervalMs: 0 }, 5);
      assert.deepEqual(ids(again), ['h1', 'h2'], 'put back in its place: first again');
      assert.equal(await store.outbound.finish('h1'), true);
      assert.equal(await store.outbound.finish('h1'), false, 'finished once');
      assert.deepEqual(await store.outbound.counts(), [{ lane: 'h', waiting: 0, scheduled: 0, sending: 1 }]);
    });

    it('hands the jobs left sending by an owner out once; clears a lane of what waits in it', async function () {
      const store = await open();
      await store.outbound.add([job('s1', 's'), job('s2', 's'), job('s3', 's'), job('s4', 's', { dueAt: Date.now() + 60_000 })]);
      await store.outbound.claim('s', FREE, 2);
      assert.deepEqual(await store.outbound.takeSending({ owner: 'someone else' }), []);
      const left = await store.outbound.takeSending({ owner: store.instance });
      assert.deepEqual(left.map((j) => j.id).sort(), ['s1', 's2']);
      assert.equal(left[0].owner, store.instance);
      assert.deepEqual(await store.outbound.takeSending({ owner: store.instance }), [], 'once');
      assert.equal(await store.outbound.finish('s1'), false, 'taken out: gone');
      const cleared = await store.outbound.clear('s');
      assert.deepEqual(cleared.map((j) => j.id).sort(), ['s3', 's4']);
      assert.deepEqual(cleared.find((j) => j.id === 's3').value, { to: 's3' });
      assert.deepEqual(await store.outbound.lanes(), []);
      assert.deepEqual(await store.outbound.counts(), []);
    });

    it('takes jobs claimed before a time by anyone', async function () {
      const store = await open();
      await store.outbound.add([job('old', 'o')]);
      await store.outbound.claim('o', FREE, 1);
      await sleep(30);
      assert.deepEqual(await store.outbound.takeSending({ before: Date.now() - 10_000 }), []);
      assert.deepEqual((await store.outbound.takeSending({ before: Date.now() + 5 })).map((j) => j.id), ['old']);
    });

    it('shows the first jobs of a lane in the order they go, without taking them', async function () {
      const store = await open();
      const now = Date.now();
      await store.outbound.add([job('p3', 'p', { dueAt: now + 60_000 }), job('p1', 'p', { dueAt: now }), job('p2', 'p', { dueAt: now })]);
      const shown = await store.outbound.peek('p', 2);
      assert.deepEqual(shown.map((j) => j.id), ['p1', 'p2']);
      assert.deepEqual(shown[0].value, { to: 'p1' });
      assert.equal(shown[0].lane, 'p');
      assert.deepEqual((await store.outbound.peek('p', 10)).map((j) => [j.id, j.dueAt]), [['p1', now], ['p2', now], ['p3', now + 60_000]]);
      assert.deepEqual(await store.outbound.peek('nothing here', 5), []);
      assert.deepEqual(ids(await store.outbound.claim('p', FREE, 10)), ['p1', 'p2'], 'peeking took nothing');
      await assert.rejects(async () => store.outbound.peek('p', 0), RangeError);
    });

    it('takes nothing from a lane whose pause key is paused until it is resumed; other keys go on', async function () {
      const store = await open();
      await store.outbound.add([job('x1', 'x'), job('x2', 'x'), job('y1', 'y')]);
      assert.deepEqual(await store.outbound.paused(), []);
      await store.outbound.pause('acct-x', true);
      await store.outbound.pause('acct-x', true);
      assert.deepEqual(await store.outbound.paused(), ['acct-x']);
      const held = await store.outbound.claim('x', { ...FREE, pausedBy: 'acct-x' }, 10);
      assert.deepEqual(held, { jobs: [], retryAt: undefined, paused: true });
      assert.deepEqual(ids(await store.outbound.claim('y', { ...FREE, pausedBy: 'acct-y' }, 10)), ['y1'], 'another key is not paused');
      const counts = (await store.outbound.counts()).sort((a, b) => a.lane.localeCompare(b.lane));
      assert.deepEqual(counts, [
        { lane: 'x', waiting: 2, scheduled: 0, sending: 0 },
        { lane: 'y', waiting: 0, scheduled: 0, sending: 1 },
      ], 'paused jobs still wait');
      await store.outbound.pause('acct-x', false);
      assert.deepEqual(await store.outbound.paused(), []);
      assert.deepEqual(ids(await store.outbound.claim('x', { ...FREE, pausedBy: 'acct-x' }, 10)), ['x1', 'x2']);
    });

    if (harness.durable) {
      it('keeps a pause across a restart', async function () {
        const place = harness.place();
        const before = await harness.open(place, {});
        await before.outbound.add([job('q1', 'q')]);
        await before.outbound.pause('acct-q', true);
        await before.close();
        const after = await open({}, place);
        assert.deepEqual(await after.outbound.paused(), ['acct-q']);
        assert.equal((await after.outbound.claim('q', { ...FREE, pausedBy: 'acct-q' }, 5)).paused, true);
        await after.outbound.pause('acct-q', false);
        assert.deepEqual(ids(await after.outbound.claim('q', { ...FREE, pausedBy: 'acct-q' }, 5)), ['q1']);
      });

      it('keeps waiting, scheduled and sending jobs and the order across a restart', async function () {
        const place = harness.place();
        const before = await harness.open(place, {});
        await before.outbound.add([job('k1', 'k'), job('k2', 'k'), job('k3', 'k', { dueAt: Date.now() + 60_000 })]);
        await before.outbound.claim('k', FREE, 1);
        await before.close();
        const after = await open({}, place);
        assert.deepEqual(await after.outbound.counts(), [{ lane: 'k', waiting: 1, scheduled: 1, sending: 1 }]);
        assert.deepEqual((await after.outbound.takeSending({ owner: after.instance })).map((j) => j.id), ['k1']);
        assert.deepEqual(ids(await after.outbound.claim('k', FREE, 5)), ['k2']);
      });
    }
  });
}

module.exports = { outboundContract };
