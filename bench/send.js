'use strict';
// The `sms send` rows of `npm run bench` (issue 15), in the bench's one Node-RED against
// the fake provider (which records each request's arrival):
//   - an unthrottled broadcast of 5 000 against Twilio's SDK called directly in a loop with
//     the same concurrency (bench/send-sdk-child.js), rounds alternating. The target compares
//     the later broadcasts with the SDK's later passes; the first broadcast after Node-RED
//     starts, against the SDK's first pass in a new process, is shown beside it (it pays for
//     V8 sizing a heap that just started: marking runs through it);
//   - a broadcast at rate 200/s: the achieved rate, and the most requests in any 1-second window;
//   - 100 000 jobs scheduled an hour ahead: the heap they add (they live in the store).
// Each row also checks what the package did: every recipient sent exactly once, nothing
// reported not sent, nothing sent early. A wrong answer is a failure, not a slow row.
const path = require('node:path');
const { execFile } = require('node:child_process');
const { SEND_NUMBERS, SEND_RATE } = require('./flows');
const { cpuMs } = require('./process-cpu');

const BROADCAST = Number(process.env.BENCH_SEND_N || 5000);
const RATE_N = SEND_RATE * Number(process.env.BENCH_SEND_RATE_S || 8);
const QUEUED = Number(process.env.BENCH_SEND_QUEUED || 100_000);
/** The queue's default concurrency (settings smsSend.concurrency): the SDK loop runs as many at once. */
const CONCURRENCY = 16;
const SDK_FROM = '+12125550199';
const QUEUED_HEAP_CAP = 30 * 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
}

async function countsOf(url) {
  const res = await fetch(`${url}/bench/send-count`);
  return res.json();
}

async function heapOf(url) {
  const res = await fetch(`${url}/bench/heap`);
  return Number(await res.text());
}

/** Polls until `ready()` is true; false after `maxMs`. */
async function until(ready, maxMs) {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    if (await ready()) return true;
    await sleep(25);
  }
  return false;
}

const fromOf = (r) => (r.body && r.body.From) || '';

/**
 * Checks one broadcast at the fake: exactly `n` requests from `from` since `start`, to
 * `n` different recipients. Returns their arrival times, sorted.
 */
function checkOnce(fake, start, from, n, label, failures) {
  const got = fake.requests.slice(start).filter((r) => r.route === 'twilio' && fromOf(r) === from);
  const recipients = new Set(got.map((r) => r.body.To)).size;
  if (got.length !== n || recipients !== n) {
    failures.push(`FAIL: (${label}) the fake received ${got.length} sends to ${recipients} recipients for a broadcast to ${n}: each recipient must get exactly one message`);
  }
  return got.map((r) => r.at).sort((x, y) => x - y);
}

/** The most arrivals in any window of `windowMs` (sorted times). */
function busiestWindow(times, windowMs) {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function packageRound({ red, fake, base, failures }) {
  const before = await countsOf(red.url);
  const start = fake.requests.length;
  const conn0 = fake.connections;
  const cpu0 = cpuMs(red.child.pid);
  const t0 = Date.now();
  await post(`${red.url}/bench/send/sb`, { n: BROADCAST, base });
  const finished = await until(async () => {
    const c = await countsOf(red.url);
    return c.sb.sent + c.sb.notSent - before.sb.sent - before.sb.notSent >= BROADCAST;
  }, 120_000);
  const after = await countsOf(red.url);
  const times = checkOnce(fake, start, SEND_NUMBERS.sb, BROADCAST, 'sb', failures);
  if (!finished || after.sb.notSent !== before.sb.notSent) {
    failures.push(`FAIL: (sb) ${after.sb.sent - before.sb.sent} of ${BROADCAST} reported sent, ${after.sb.notSent - before.sb.notSent} not sent`);
  }
  const lastAt = times.length ? times[times.length - 1] : Date.now();
  return { ms: lastAt - t0, cpuMs: cpuMs(red.child.pid) - cpu0, connections: fake.connections - conn0 };
}

/** The child runs while this process answers as the fake provider: never a synchronous spawn. */
function runChild(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

async function sdkRound({ fake, base, failures }) {
  const start = fake.requests.length;
  const conn0 = fake.connections;
  const out = await runChild([path.join(__dirname, 'send-sdk-child.js'), fake.url, String(BROADCAST), String(CONCURRENCY), SDK_FROM, String(base)]);
  const r = JSON.parse(out.trim().split('\n').pop());
  checkOnce(fake, start, SDK_FROM, 2 * BROADCAST, 'sdk', failures);
  return { ...r, connections: fake.connections - conn0 };
}

async function measureSendRows({ red, fake, rounds = 2 }) {
  const failures = [];
  const result = { broadcast: BROADCAST, concurrency: CONCURRENCY, pkg: [], sdk: [] };
  // Warm both: the first sends load the SDK and open connections.
  await post(`${red.url}/bench/send/sb`, { n: 200, base: 9_000_000 });
  await until(async () => (await countsOf(red.url)).sb.sent >= 200, 30_000);
  // Round 0's broadcast is the first after Node-RED started; the SDK's first pass is in a new process each round.
  for (let i = 0; i <= rounds; i++) {
    const base = i * 100_000;
    result.sdk.push(await sdkRound({ fake, base, failures }));
    result.pkg.push(await packageRound({ red, fake, base: base + 50_000, failures }));
  }
  const perS = (rs) => (rs.length * BROADCAST * 1000) / rs.reduce((t, r) => t + r.ms, 0);
  const cpuPer = (rs) => (rs.reduce((t, r) => t + r.cpuMs, 0) * 1000) / (rs.length * BROADCAST);
  const later = result.pkg.slice(1);
  const sdkLater = result.sdk.map((r) => r.later);
  const firstPkg = result.pkg.slice(0, 1);
  const sdkFirst = result.sdk.map((r) => r.first);
  Object.assign(result, { pkgPerS: perS(later), sdkPerS: perS(sdkLater), pkgCpuUs: cpuPer(later), sdkCpuUs: cpuPer(sdkLater) });
  result.first = { pkgPerS: perS(firstPkg), sdkPerS: perS(sdkFirst), pkgCpuUs: cpuPer(firstPkg), sdkCpuUs: cpuPer(sdkFirst) };
  result.first.ratio = result.first.pkgPerS / result.first.sdkPerS;
  result.ratio = result.pkgPerS / result.sdkPerS;
  if (!(result.ratio >= 0.8)) failures.push(`FAIL: (sb) sms send sent ${result.pkgPerS.toFixed(0)}/s against the SDK's ${result.sdkPerS.toFixed(0)}/s in a loop: ${result.ratio.toFixed(2)}, under the target of 0.80`);

  // At a rate: the pace the queue keeps, seen at the provider.
  {
    const start = fake.requests.length;
    const before = await countsOf(red.url);
    await post(`${red.url}/bench/send/sr`, { n: RATE_N, base: 1_000_000 });
    await until(async () => (await countsOf(red.url)).sr.sent - before.sr.sent >= RATE_N, 60_000 + (RATE_N / SEND_RATE) * 2000);
    const times = checkOnce(fake, start, SEND_NUMBERS.sr, RATE_N, 'sr', failures);
    const achieved = times.length > 1 ? ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]) : 0;
    const busiest = busiestWindow(times, 1000);
    result.rate = { target: SEND_RATE, n: RATE_N, achieved, busiest };
    if (Math.abs(achieved - SEND_RATE) > SEND_RATE * 0.05) failures.push(`FAIL: (sr) achieved ${achieved.toFixed(1)}/s with rate set to ${SEND_RATE}/s: not within 5 %`);
    if (busiest > SEND_RATE) failures.push(`FAIL: (sr) ${busiest} sends in one 1-second window with rate set to ${SEND_RATE}/s`);
  }

  // Queued for later: the jobs live in the store, not in the heap.
  {
    const start = fake.requests.length;
    const before = await countsOf(red.url);
    const heapBefore = await heapOf(red.url);
    const t0 = Date.now();
    await post(`${red.url}/bench/send/sq`, { n: QUEUED, base: 2_000_000, sendAt: Date.now() + 3600_000 });
    const queued = await until(async () => (await countsOf(red.url)).sq.done > before.sq.done, 300_000);
    const queueS = (Date.now() - t0) / 1000;
    await sleep(1500);
    const heapAfter = await heapOf(red.url);
    const after = await countsOf(red.url);
    const early = fake.requests.slice(start).filter((r) => fromOf(r) === SEND_NUMBERS.sq).length;
    result.queued = { n: QUEUED, heapBefore, heapAfter, growth: heapAfter - heapBefore, queueS };
    if (!queued) failures.push(`FAIL: (sq) sms send did not finish queueing ${QUEUED} messages within 5 minutes`);
    if (early || after.sq.sent || after.sq.notSent) failures.push(`FAIL: (sq) ${early} of ${QUEUED} messages scheduled an hour ahead were sent, ${after.sq.notSent} reported not sent`);
    if (result.queued.growth >= QUEUED_HEAP_CAP) failures.push(`FAIL: (sq) ${QUEUED} queued jobs grew the heap by ${(result.queued.growth / 1048576).toFixed(1)} MB, over 30 MB`);
  }
  return { result, failures };
}

module.exports = { measureSendRows, busiestWindow, QUEUED_HEAP_CAP };
