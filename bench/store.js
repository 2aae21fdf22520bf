'use strict';
// The embedded store on its own (no Node-RED): the cost of a webhook's durable step
// (`inbox.admit`) against the memory store in the same run, and the heap that 1 000 000
// seen ids add (they must live on disk). Run by bench/run.js in a child with --expose-gc;
// prints one JSON line. Throws when the store answers wrongly.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openStore } = require('../dist/store');

const IDS = Number(process.env.BENCH_STORE_IDS || 1_000_000);
const log = { info() {}, warn() {} };
const heap = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};

/**
 * µs per admitted message, `inFlight` at a time. Each is removed again as sms in does when the
 * flow has finished with it: not waited for (the removal rides a later commit).
 */
async function admitCost(store, n, inFlight) {
  const tag = Math.random().toString(36).slice(2);
  let next = 0;
  const removals = [];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const id = `${tag}-${next++}`;
        if (!(await store.inbox.admit(id, { from: '+447700900001', to: '+447700900002', text: 'hello' }))) throw new Error(`${id} not admitted`);
        removals.push(store.inbox.remove(id));
      }
    }),
  );
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  const removed = await Promise.all(removals);
  if (removed.some((had) => !had)) throw new Error('an admitted message was not in the inbox when removed');
  return us;
}

async function main() {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-bench-store-'));
  try {
    const memory = await openStore({ type: 'memory' }, { userDir, log });
    const embedded = await openStore({}, { userDir, log });
    await admitCost(embedded, 200, 8);
    const cost = {
      memory1: await admitCost(memory, 300, 1),
      embedded1: await admitCost(embedded, 300, 1),
      memory32: await admitCost(memory, 3000, 32),
      embedded32: await admitCost(embedded, 3000, 32),
    };
    const before = heap();
    const t0 = Date.now();
    let next = 0;
    const idOf = (i) => `0A${i.toString(16).padStart(14, '0')}`;
    await Promise.all(
      Array.from({ length: 2000 }, async () => {
        while (next < IDS) {
          const id = idOf(next++);
          if (!(await embedded.seen.firstTime(id))) throw new Error(`${id} reported as seen before`);
        }
      }),
    );
    const writeS = (Date.now() - t0) / 1000;
    const growth = heap() - before;
    for (let i = 0; i < IDS; i += 997) if (await embedded.seen.firstTime(idOf(i))) throw new Error(`${idOf(i)} forgotten`);
    await embedded.close();
    const fileBytes = fs.statSync(path.join(userDir, 'sms-store', 'data.mdb')).size;
    process.stdout.write(`${JSON.stringify({ ids: IDS, cost, heapGrowth: growth, writeS, fileBytes })}\n`);
  } finally {
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
