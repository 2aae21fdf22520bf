'use strict';
// The store rows on Redis (issue 14): two Node-RED processes on one redis-server (Debian's,
// started on a free port, saving nothing), each with the bench flows. In alternating rounds:
//   (ar) the signed Twilio flow (a) on instance A alone, 10 connections;
//   (br) the hand-wired flow (b) on A, the same load;
//   (a2) flow (a) on A and B together, 5 connections each, from this one load generator.
// Ratios: ar/br (the package on Redis against the flow that remembers nothing) and a2/ar
// (what a second instance adds on this machine).
const path = require('node:path');
const { measure } = require('./load');
const { cpuMs } = require('./process-cpu');
const { twilioInbound } = require('./signed-requests');
const { startBenchNodeRed } = require('./node-red-under-load');
const { startRedis } = require('../test/support/redis-server');
const { freePort } = require('../test/support/free-port');

const sum = (xs) => xs.reduce((t, x) => t + x, 0);

async function measureRedisRows({ scratch, fake, durationS }) {
  const redis = await startRedis();
  const env = { BENCH_SMS_STORE: JSON.stringify({ type: 'redis', url: redis.url, prefix: 'bench:' }) };
  const nodes = [];
  try {
    for (const name of ['redis-a', 'redis-b']) {
      nodes.push(await startBenchNodeRed({ scratch: path.join(scratch, name), port: await freePort(), fakeProviderUrl: fake.url, env }));
    }
    const [a] = nodes;
    const rounds = Math.max(1, Math.round(durationS / 2));
    const roundS = durationS / rounds;
    const rows = { ar: [], br: [], a2: [] };
    // Warm-up: loads what the first requests load, on both.
    await Promise.all(nodes.map((n) => measure({ url: `${n.url}/bench/a`, make: () => twilioInbound('/bench/a'), durationS: 1, warmupS: 0, connections: 5 })));
    await measure({ url: `${a.url}/bench/b`, make: () => twilioInbound('/bench/b'), durationS: 1, warmupS: 0 });
    for (let i = 0; i < rounds; i++) {
      for (const [key, p] of [['ar', '/bench/a'], ['br', '/bench/b']]) {
        const r = await measure({ url: `${a.url}${p}`, make: () => twilioInbound(p), durationS: roundS, warmupS: 0, onMeasureStart: () => cpuMs(a.child.pid) });
        rows[key].push({ ...r, cpuMs: cpuMs(a.child.pid) - r.startValue });
      }
      const cpu0 = nodes.map((n) => cpuMs(n.child.pid));
      const both = await Promise.all(nodes.map((n) => measure({ url: `${n.url}/bench/a`, make: () => twilioInbound('/bench/a'), durationS: roundS, warmupS: 0, connections: 5 })));
      const cpu = sum(nodes.map((n, j) => cpuMs(n.child.pid) - cpu0[j]));
      rows.a2.push({
        requests: sum(both.map((r) => r.requests)),
        durationS: Math.max(...both.map((r) => r.durationS)),
        non2xx: sum(both.map((r) => r.non2xx)),
        errors: sum(both.map((r) => r.errors)),
        p50: Math.max(...both.map((r) => r.p50)),
        p99: Math.max(...both.map((r) => r.p99)),
        cpuMs: cpu,
      });
    }
    const failures = [];
    const out = {};
    for (const [key, rs] of Object.entries(rows)) {
      const requests = sum(rs.map((r) => r.requests));
      out[key] = {
        rps: requests / sum(rs.map((r) => r.durationS)),
        cpuUsPerRequest: (sum(rs.map((r) => r.cpuMs)) * 1000) / requests,
        p50: rs[Math.floor(rs.length / 2)].p50,
        p99: rs[Math.floor(rs.length / 2)].p99,
        non2xx: sum(rs.map((r) => r.non2xx)),
        errors: sum(rs.map((r) => r.errors)),
      };
      if (out[key].non2xx || out[key].errors) failures.push(`FAIL: (${key}) ${out[key].non2xx} answers other than 2xx, ${out[key].errors} errors on Redis`);
    }
    return { rows: out, failures };
  } finally {
    for (const n of nodes) await n.stop();
    await redis.stop();
  }
}

module.exports = { measureRedisRows };
