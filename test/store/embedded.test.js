'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { openStore, StoreUnavailableError } = require('./store-module');
const { storeContract } = require('./contract');
const { quietLog } = require('./quiet-log');

const roots = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-store-test-'));
  roots.push(dir);
  return dir;
}
after(function () {
  for (const dir of roots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

storeContract('embedded', {
  durable: true,
  place: () => tempDir(),
  open: (userDir, settings) => openStore({ type: 'embedded', ...settings }, { userDir, log: quietLog() }),
});

describe('embedded store', function () {
  this.timeout(30000);

  it('is the default, in the folder sms-store of the user directory', async function () {
    const userDir = tempDir();
    const log = quietLog();
    const store = await openStore(undefined, { userDir, log });
    await store.seen.firstTime('x');
    await store.close();
    assert.equal(store.kind, 'embedded');
    assert.ok(fs.statSync(path.join(userDir, 'sms-store', 'data.mdb')).isFile());
    assert.match(log.lines[0][1], /embedded database in .*sms-store/);
  });

  it('honours path (relative to the user directory, or absolute)', async function () {
    const userDir = tempDir();
    const elsewhere = path.join(tempDir(), 'abs-store');
    for (const p of ['state/sms', elsewhere]) {
      const store = await openStore({ path: p }, { userDir, log: quietLog() });
      await store.close();
    }
    assert.ok(fs.existsSync(path.join(userDir, 'state', 'sms', 'data.mdb')));
    assert.ok(fs.existsSync(path.join(elsewhere, 'data.mdb')));
  });

  it('fails with StoreUnavailableError, saying where, when the folder cannot be made', async function () {
    const userDir = tempDir();
    fs.writeFileSync(path.join(userDir, 'sms-store'), 'a file where the folder should be');
    await assert.rejects(openStore({}, { userDir, log: quietLog() }), (err) => {
      assert.ok(err instanceof StoreUnavailableError);
      assert.equal(err.code, 'SMS_STORE_UNAVAILABLE');
      assert.match(err.message, /sms-store/);
      return true;
    });
  });

  it('keeps every acknowledged message, and forgets every removed one, when the process is killed with SIGKILL', async function () {
    const userDir = tempDir();
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'acknowledging-child.js'), userDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = [];
    const removed = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killed = new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        buffered += d;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) (line.startsWith('-') ? removed : acked).push(line.replace(/^-/, ''));
        if (acked.length >= 200 && child.signalCode === null) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
    });
    await killed;
    assert.ok(acked.length >= 200);

    const store = await openStore({}, { userDir, log: quietLog() });
    try {
      const inbox = new Map((await store.inbox.list()).map((e) => [e.id, e]));
      const lost = [];
      const gone = new Set(removed);
      assert.ok(gone.size >= 40, `some removed before the kill (${gone.size})`);
      for (const id of acked) {
        if (gone.has(id)) {
          if (inbox.has(id)) lost.push(`${id}: removed, yet still in the inbox`);
        } else if (!inbox.has(id)) lost.push(`${id}: not in the inbox`);
        else if (inbox.get(id).value.text !== `hello ${id}`) lost.push(`${id}: wrong value`);
        if (await store.seen.firstTime(id)) lost.push(`${id}: seen id forgotten`);
        if (await store.replies.claim(id)) lost.push(`${id}: reply claim forgotten`);
        const rest = await store.multipart.add({ group: `grp-${id}`, index: 2, total: 2, value: 'second' });
        if (rest.state !== 'complete') lost.push(`${id}: part 1 forgotten`);
      }
      assert.deepEqual(lost, []);
    } finally {
      await store.close();
    }
  });

  it('deletes expired seen ids, reply claims and values from the file (at start and every minute)', async function () {
    const userDir = tempDir();
    const settings = { retentionHours: 0.3 / 3600 };
    const first = await openStore(settings, { userDir, log: quietLog() });
    for (let i = 0; i < 50; i++) await first.seen.firstTime(`old${i}`);
    await first.replies.claim('old-reply');
    await first.collection('c').set('old', 1, 300);
    await first.collection('c').set('forever', 2);
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await openStore({ ...settings, retentionHours: 1 }, { userDir, log: quietLog() });
    await second.seen.firstTime('fresh');
    await second.close();

    // Read the file itself: what is left on disk, not what the store answers.
    const { open } = require('lmdb');
    const root = open({ path: path.join(userDir, 'sms-store'), readOnly: true });
    try {
      const keysOf = (name) => [...root.openDB(name, {}).getKeys()];
      assert.deepEqual(keysOf('seen'), ['fresh']);
      assert.deepEqual(keysOf('replies'), []);
      assert.deepEqual(keysOf('collections'), [['c', 'forever']]);
      assert.equal(keysOf('expiry').length, 1, 'only the fresh id is left to expire');
    } finally {
      await root.close();
    }
  });

  it('jobs left sending by the earlier format (who took them written in the job) are still reported as sending, finished, put back and taken back at the next start', async function () {
    const userDir = tempDir();
    const lane = 'acct|sender|0|+1555';
    const first = await openStore({}, { userDir, log: quietLog() });
    await first.outbound.add([1, 2, 3, 4].map((i) => ({ id: `old-${i}`, lane, dueAt: i, cost: 1, value: { to: `+155512300${i}` } })));
    await first.close();
    // Jobs 1, 3 and 4 as the earlier format left them while sending: owner and time in the
    // job's record, the lane alone in the list of jobs being sent.
    const { open } = require('lmdb');
    const root = open({ path: path.join(userDir, 'sms-store'), maxDbs: 32 });
    const jobs = root.openDB('outbound-jobs', {});
    for (const id of ['old-1', 'old-3', 'old-4']) {
      const record = jobs.get(id);
      await jobs.put(id, { ...record, owner: 'here', claimedAt: 1000 });
      await root.openDB('outbound-order', {}).remove([record.lane, record.dueAt, record.seq]);
      await root.openDB('outbound-sending', {}).put(id, record.lane);
    }
    await root.close();

    const second = await openStore({ instance: 'here' }, { userDir, log: quietLog() });
    try {
      assert.deepEqual((await second.outbound.counts()).map((c) => [c.waiting, c.sending]), [[1, 3]]);
      assert.equal(await second.outbound.finish('old-4'), true, 'a job sending in the earlier format is finished');
      assert.equal(await second.outbound.requeue('old-3'), true, 'and one is put back');
      const left = await second.outbound.takeSending({ owner: 'here' });
      assert.deepEqual(left.map((j) => [j.id, j.owner, j.claimedAt, j.value.to]), [['old-1', 'here', 1000, '+1555123001']]);
      const next = await second.outbound.claim(lane, { key: 'acct', intervalMs: 0 }, 5);
      assert.deepEqual(next.jobs.map((j) => j.id), ['old-2', 'old-3'], 'the waiting job and the one put back, in order; the finished one and the one left are not sent');
      assert.deepEqual((await second.outbound.counts()).map((c) => [c.waiting, c.sending]), [[0, 2]]);
    } finally {
      await second.close();
    }
  });

  it('fails as unavailable, promptly, once closed', async function () {
    const store = await openStore({ timeoutMs: 500 }, { userDir: tempDir(), log: quietLog() });
    await store.close();
    const started = Date.now();
    await assert.rejects(store.seen.firstTime('after-close'), StoreUnavailableError);
    assert.ok(Date.now() - started < 3000);
  });
});
