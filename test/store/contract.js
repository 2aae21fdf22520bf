'use strict';
// The one contract every store kind keeps, run against memory, embedded and redis.
// `harness.place()` names a fresh, empty place (a folder, a redis prefix); `harness.open(place,
// settings)` opens a store there, so opening the same place again plays a restart.
const assert = require('node:assert/strict');
const { outboundContract } = require('./outbound-contract');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (values, wanted) => values.filter((v) => v === wanted).length;

function storeContract(kind, harness) {
  describe(`${kind} store: the contract`, function () {
    this.timeout(20000);
    const opened = [];
    async function open(settings = {}, place = harness.place()) {
      const store = await harness.open(place, settings);
      opened.push(store);
      return store;
    }
    afterEach(async function () {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('says what it is', async function () {
      const store = await open();
      assert.equal(store.kind, kind);
      assert.equal(store.retentionMs, 48 * 3600_000, 'retention defaults to 48 h');
    });

    describe('seen ids', function () {
      it('answers true the first time an id is offered and false after, per id', async function () {
        const store = await open();
        assert.equal(await store.seen.firstTime('SM1'), true);
        assert.equal(await store.seen.firstTime('SM1'), false);
        assert.equal(await store.seen.firstTime('SM2'), true);
      });

      it('gives one true among many callers offering the same id at once', async function () {
        const store = await open();
        const answers = await Promise.all(Array.from({ length: 40 }, () => store.seen.firstTime('race')));
        assert.equal(count(answers, true), 1);
      });

      it('takes an id again once the retention has passed', async function () {
        const store = await open({ retentionHours: 0.6 / 3600 });
        assert.equal(await store.seen.firstTime('old'), true);
        assert.equal(await store.seen.firstTime('old'), false);
        await sleep(900);
        assert.equal(await store.seen.firstTime('old'), true, 'past the retention');
      });

      it('takes a forgotten id again', async function () {
        const store = await open();
        await store.seen.firstTime('f');
        await store.seen.forget('f');
        assert.equal(await store.seen.firstTime('f'), true);
      });

      it('refuses an empty id with a RangeError, not a store error', async function () {
        const store = await open();
        await assert.rejects(store.seen.firstTime(''), RangeError);
      });
    });

    describe('multipart groups', function () {
      const part = (group, index, total, text) => ({ group, index, total, value: { text } });

      it('holds parts in any order and hands the group over once, whole and in order', async function () {
        const store = await open();
        assert.deepEqual(await store.multipart.add(part('g', 3, 3, 'c')), { state: 'held', received: 1, total: 3 });
        assert.deepEqual(await store.multipart.add(part('g', 1, 3, 'a')), { state: 'held', received: 2, total: 3 });
        assert.deepEqual(await store.multipart.add(part('g', 1, 3, 'a')), { state: 'duplicate' });
        assert.deepEqual(await store.multipart.add(part('g', 2, 3, 'b')), {
          state: 'complete',
          parts: [{ text: 'a' }, { text: 'b' }, { text: 'c' }],
        });
        assert.deepEqual(await store.multipart.add(part('g', 1, 3, 'again')), { state: 'held', received: 1, total: 3 }, 'a completed group is gone');
      });

      it('keeps groups of different keys apart', async function () {
        const store = await open();
        await store.multipart.add(part('alice|ref1', 1, 2, 'a1'));
        await store.multipart.add(part('bob|ref1', 1, 2, 'b1'));
        const done = await store.multipart.add(part('alice|ref1', 2, 2, 'a2'));
        assert.deepEqual(done.parts, [{ text: 'a1' }, { text: 'a2' }]);
      });

      it('completes a group once when all its parts arrive at the same time', async function () {
        const store = await open();
        const total = 12;
        const order = Array.from({ length: total }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
        const results = await Promise.all(order.map((i) => store.multipart.add(part('burst', i, total, `p${i}`))));
        const complete = results.filter((r) => r.state === 'complete');
        assert.equal(complete.length, 1);
        assert.deepEqual(complete[0].parts.map((p) => p.text), Array.from({ length: total }, (_, i) => `p${i + 1}`));
      });

      it('refuses a part that would start a group past the cap, but never a part of a group it holds', async function () {
        const store = await open({ multipart: { maxGroups: 2 } });
        await store.multipart.add(part('one', 1, 2, 'x'));
        await store.multipart.add(part('two', 1, 2, 'x'));
        assert.deepEqual(await store.multipart.add(part('three', 1, 2, 'x')), { state: 'full' });
        assert.equal((await store.multipart.add(part('one', 2, 2, 'y'))).state, 'complete', 'held groups still complete');
        assert.equal((await store.multipart.add(part('three', 1, 2, 'x'))).state, 'held', 'room again');
      });

      it('refuses a new group when the bytes held would pass the cap', async function () {
        const store = await open({ multipart: { maxBytes: 200 } });
        assert.equal((await store.multipart.add(part('big', 1, 2, 'x'.repeat(150)))).state, 'held');
        assert.equal((await store.multipart.add(part('next', 1, 2, 'x'.repeat(100)))).state, 'full');
        assert.equal((await store.multipart.add(part('big', 2, 2, 'x'.repeat(100)))).state, 'complete');
        assert.equal((await store.multipart.add(part('next', 1, 2, 'x'.repeat(100)))).state, 'held', 'the bytes were given back');
      });

      it('refuses a new group of a sender past maxGroupsPerSender, not other senders; the count is given back', async function () {
        const store = await open({ multipart: { maxGroupsPerSender: 2 } });
        const of = (sender, group, index) => ({ ...part(group, index, 2, 'x'), sender });
        assert.equal((await store.multipart.add(of('alice', 'a1', 1))).state, 'held');
        assert.equal((await store.multipart.add(of('alice', 'a2', 1))).state, 'held');
        assert.deepEqual(await store.multipart.add(of('alice', 'a3', 1)), { state: 'full' });
        assert.equal((await store.multipart.add(of('bob', 'b1', 1))).state, 'held', 'another sender has room');
        assert.equal((await store.multipart.add(of('alice', 'a1', 2))).state, 'complete', 'held groups still complete');
        assert.equal((await store.multipart.add(of('alice', 'a3', 1))).state, 'held', 'room again for alice');
        assert.deepEqual(await store.multipart.add(of('alice', 'a4', 1), { maxGroupsPerSender: 3 }), { state: 'held', received: 1, total: 2 }, 'a call may bring its own limits');
      });

      it('hands out a group past its expiry once, with the parts that arrived', async function () {
        const store = await open({ multipart: { expiryMs: 400 } });
        await store.multipart.add(part('late', 2, 3, 'b'));
        await store.multipart.add(part('late', 1, 3, 'a'));
        assert.deepEqual(await store.multipart.takeExpired(), [], 'not yet');
        await sleep(500);
        await store.multipart.add(part('young', 1, 2, 'y'));
        const taken = await store.multipart.takeExpired();
        assert.equal(taken.length, 1);
        assert.equal(taken[0].group, 'late');
        assert.equal(taken[0].total, 3);
        assert.deepEqual(taken[0].parts, [{ index: 1, value: { text: 'a' } }, { index: 2, value: { text: 'b' } }]);
        assert.deepEqual(await store.multipart.takeExpired(), [], 'taken once');
        assert.equal((await store.multipart.add(part('young', 2, 2, 'z'))).state, 'complete', 'the young group stayed');
      });

      it('puts a group that completes into the inbox in the same step, when its first part names an id', async function () {
        const store = await open();
        await store.multipart.add({ ...part('+44|7', 2, 2, 'b'), inboxId: 'mp-7' });
        assert.deepEqual(await store.inbox.list(), [], 'not while parts are missing');
        const done = await store.multipart.add(part('+44|7', 1, 2, 'a'));
        assert.equal(done.state, 'complete');
        assert.equal(done.inboxId, 'mp-7', 'the completing caller learns where it went');
        const [entry, ...rest] = await store.inbox.list();
        assert.equal(rest.length, 0);
        assert.equal(entry.id, 'mp-7');
        assert.equal(entry.owner, store.instance);
        assert.deepEqual(entry.value.parts, [{ index: 1, value: { text: 'a' } }, { index: 2, value: { text: 'b' } }]);
        assert.equal(entry.value.group, '+44|7');
        assert.equal(entry.value.total, 2);
        assert.equal(entry.value.inboxId, 'mp-7');
      });

      it('puts an expired group into the inbox as it is taken, when its first part names an id', async function () {
        const store = await open({ multipart: { expiryMs: 300 } });
        await store.multipart.add({ ...part('g/"q"', 1, 3, 'a'), inboxId: 'mp-x' });
        await store.multipart.add(part('plain', 1, 2, 'p'));
        await sleep(400);
        const taken = await store.multipart.takeExpired();
        assert.deepEqual(taken.map((g) => [g.group, g.inboxId]).sort(), [['g/"q"', 'mp-x'], ['plain', undefined]]);
        const entries = await store.inbox.list();
        assert.deepEqual(entries.map((e) => e.id), ['mp-x']);
        assert.deepEqual(entries[0].value.parts, [{ index: 1, value: { text: 'a' } }]);
        assert.equal(entries[0].value.group, 'g/"q"');
      });

      it('refuses an index outside 1..total', async function () {
        const store = await open();
        await assert.rejects(store.multipart.add(part('g', 0, 2, 'x')), RangeError);
        await assert.rejects(store.multipart.add(part('g', 3, 2, 'x')), RangeError);
        await assert.rejects(store.multipart.add(part('g', 1, 256, 'x')), RangeError);
      });
    });

    describe('the inbox', function () {
      it('keeps a message until it is removed, owned by this instance', async function () {
        const store = await open();
        const value = { from: '+447700900001', text: 'hi', media: [], n: 1.5, nested: { ok: true } };
        await store.inbox.put('m1', value);
        const [entry, ...rest] = await store.inbox.list();
        assert.equal(rest.length, 0);
        assert.equal(entry.id, 'm1');
        assert.equal(entry.owner, store.instance);
        assert.equal(entry.deliveries, 1);
        assert.ok(Math.abs(entry.receivedAt - Date.now()) < 10000);
        assert.deepEqual(entry.value, value, 'the value comes back as it went in (JSON)');
        assert.equal(await store.inbox.remove('m1'), true);
        assert.equal(await store.inbox.remove('m1'), false);
        assert.deepEqual(await store.inbox.list(), []);
      });

      it('admits a message once: seen and in the inbox in one step, a retry changes nothing', async function () {
        const store = await open();
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => store.inbox.admit('SMa', { try: i })));
        assert.equal(count(answers, true), 1);
        const entries = await store.inbox.list();
        assert.deepEqual(entries.map((e) => [e.id, e.value]), [['SMa', { try: answers.indexOf(true) }]]);
        assert.equal(await store.seen.firstTime('SMa'), false, 'admitted ids are seen ids');
        await store.inbox.remove('SMa');
        assert.equal(await store.inbox.admit('SMa', { try: 'late retry' }), false, 'seen after it left the inbox');
        assert.deepEqual(await store.inbox.list(), []);
        await store.seen.firstTime('SMb');
        assert.equal(await store.inbox.admit('SMb', {}), false);
      });

      it('stores a copy: changing the object afterwards changes nothing', async function () {
        const store = await open();
        const value = { text: 'before' };
        await store.inbox.put('copy', value);
        value.text = 'after';
        assert.equal((await store.inbox.list())[0].value.text, 'before');
      });

      it('lets an entry be claimed only as it was listed, once', async function () {
        const store = await open();
        await store.inbox.put('m2', { text: 'x' });
        const [listed] = await store.inbox.list();
        assert.equal(await store.inbox.claim({ ...listed, owner: 'someone-else' }), undefined, 'another owner');
        const claims = await Promise.all([store.inbox.claim(listed), store.inbox.claim(listed), store.inbox.claim(listed)]);
        const won = claims.filter(Boolean);
        assert.equal(won.length, 1, 'one claim of what was listed');
        assert.equal(won[0].deliveries, 2);
        assert.equal(won[0].owner, store.instance);
        assert.deepEqual(won[0].value, { text: 'x' });
        assert.equal((await store.inbox.claim(won[0])).deliveries, 3, 'claimed again as it is now');
        assert.equal(await store.inbox.claim({ id: 'missing', owner: store.instance, deliveries: 1 }), undefined);
      });

      it('refuses a value that is not JSON', async function () {
        const store = await open();
        await assert.rejects(store.inbox.put('u', undefined), TypeError);
      });
    });

    describe('replies per inbound id', function () {
      it('gives the right to reply once, also to callers at the same time, until released', async function () {
        const store = await open();
        const answers = await Promise.all(Array.from({ length: 20 }, () => store.replies.claim('SMin')));
        assert.equal(count(answers, true), 1);
        assert.equal(await store.replies.claim('SMin'), false);
        await store.replies.release('SMin');
        assert.equal(await store.replies.claim('SMin'), true);
      });
    });

    describe('collections', function () {
      it('keeps keyed values per collection', async function () {
        const store = await open();
        const optOut = store.collection('optout');
        const queue = store.collection('queue');
        await optOut.set('+447700900001', { since: 1, why: 'STOP' });
        await queue.set('+447700900001', { other: true });
        await queue.set('\u{1F600} any text', 'kept');
        assert.deepEqual(await optOut.get('+447700900001'), { since: 1, why: 'STOP' });
        assert.deepEqual(await optOut.entries(), [['+447700900001', { since: 1, why: 'STOP' }]]);
        assert.equal(await optOut.get('nobody'), undefined);
        assert.equal(await optOut.delete('+447700900001'), true);
        assert.equal(await optOut.delete('+447700900001'), false);
        assert.deepEqual(await optOut.entries(), []);
        assert.deepEqual(await queue.get('+447700900001'), { other: true }, 'the other collection kept its value');
        assert.deepEqual((await queue.entries()).sort(), [['+447700900001', { other: true }], ['\u{1F600} any text', 'kept']]);
      });

      it('sets if absent and takes, each with one winner among callers at the same time', async function () {
        const store = await open();
        const questions = store.collection('questions');
        const sets = await Promise.all(Array.from({ length: 20 }, (_, i) => questions.setIfAbsent('q', { by: i })));
        assert.equal(count(sets, true), 1);
        const winner = sets.indexOf(true);
        const takes = await Promise.all(Array.from({ length: 20 }, () => questions.take('q')));
        const got = takes.filter((t) => t !== undefined);
        assert.deepEqual(got, [{ by: winner }]);
        assert.equal(await questions.get('q'), undefined);
      });

      it('lets a value with a ttl disappear', async function () {
        const store = await open();
        const c = store.collection('ttl');
        await c.set('short', 1, 300);
        await c.set('long', 2);
        assert.equal(await c.setIfAbsent('short', 3, 300), false);
        await sleep(450);
        assert.equal(await c.get('short'), undefined);
        assert.deepEqual(await c.entries(), [['long', 2]]);
        assert.equal(await c.setIfAbsent('short', 3), true, 'an expired key is absent');
      });

      it('refuses a collection name that is not a plain word', async function () {
        const store = await open();
        assert.throws(() => store.collection('a:b'), RangeError);
      });
    });

    outboundContract(harness, open);

    if (harness.durable) {
      describe('after a restart (close, open the same place)', function () {
        it('remembers seen ids, held parts, the inbox, replies and collections', async function () {
          const place = harness.place();
          const before = await harness.open(place, {});
          await before.seen.firstTime('SMkept');
          await before.multipart.add({ group: 'g', index: 1, total: 2, value: 'first', inboxId: 'mp-g' });
          await before.inbox.put('in1', { text: 'kept' });
          await before.replies.claim('in1');
          await before.collection('optout').set('+1', { why: 'STOP' });
          await before.close();

          const after = await open({}, place);
          assert.equal(await after.seen.firstTime('SMkept'), false);
          assert.deepEqual(await after.multipart.add({ group: 'g', index: 2, total: 2, value: 'second' }), {
            state: 'complete',
            parts: ['first', 'second'],
            inboxId: 'mp-g',
          });
          assert.deepEqual((await after.inbox.list()).map((e) => e.id).sort(), ['in1', 'mp-g']);
          assert.deepEqual((await after.inbox.list()).find((e) => e.id === 'in1').value, { text: 'kept' });
          assert.equal(await after.replies.claim('in1'), false);
          assert.deepEqual(await after.collection('optout').get('+1'), { why: 'STOP' });
        });
      });
    }

  });
}

module.exports = { storeContract, sleep, count };
