'use strict';
// The baseline of the `sms send` row: Twilio's SDK called directly in a loop, `concurrency`
// at a time, against the fake provider — what a function node calling `messages.create`
// would do, with none of the queue's bookkeeping. Its own process, like Node-RED's.
// After 200 sends from another number (as the bench warms Node-RED: the SDK loaded, its
// connections open), two passes of `n` in one process: the first in a process that just
// started (as the first broadcast after Node-RED starts), the second once it has run.
//   node bench/send-sdk-child.js <fakeUrl> <n> <concurrency> <from> <base>
// Prints one JSON line: { first: { ms, cpuMs, sent }, later: { ms, cpuMs, sent } } (recipients
// from `base`, then from `base + n`).
const twilio = require('twilio');

const [fakeUrl, n, concurrency, from, base] = process.argv.slice(2);
const target = new URL(fakeUrl);
const inner = new twilio.RequestClient({ keepAlive: true });
// The same redirection the package's client does (src/providers/twilio/reply.ts): the SDK's URL, the fake's host.
const httpClient = {
  request(opts) {
    const u = new URL(opts.uri);
    return inner.request({ ...opts, uri: `${target.origin}${u.pathname}${u.search}` });
  },
};
const client = twilio('ACbenchsdk', 'bench-twilio-sdk-token', { httpClient });

const WARM_FROM = '+12125550198';

async function pass(from0, total0 = Number(n), sender = from) {
  const total = total0;
  let next = 0;
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Number(concurrency) }, async () => {
      while (next < total) {
        const i = next++;
        const m = await client.messages.create({ to: `+1${2122000000 + from0 + i}`, from: sender, body: 'Your order has shipped.' });
        if (m.sid) sent++;
      }
    }),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(cpu0);
  return { ms, cpuMs: (c.user + c.system) / 1000, sent };
}

async function main() {
  await pass(9_000_000, 200, WARM_FROM);
  const first = await pass(Number(base));
  const later = await pass(Number(base) + Number(n));
  process.stdout.write(`${JSON.stringify({ first, later })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
