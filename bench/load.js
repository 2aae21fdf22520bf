'use strict';
// autocannon from this (load generator) process against loopback, one fresh signed request
// per call of `make`.
const autocannon = require('autocannon');

/**
 * Runs `durationS` seconds of load (after `warmupS` unmeasured) and returns
 * `{ rps, p50, p99, non2xx, errors, requests, durationS, startValue, counted }`; latencies in ms.
 * `onMeasureStart` is called as the measured part begins; what it returns comes back as
 * `startValue`; `counted` is how many answers had the status `countStatus`.
 */
async function measure({ url, make, durationS = 10, warmupS = 2, connections = 10, amount, onMeasureStart, countStatus }) {
  let counted = 0;
  let lastAnswerAt = 0;
  const onResponse = (status) => {
    lastAnswerAt = Date.now();
    if (status === countStatus) counted += 1;
  };
  const requests = [{ method: 'POST', setupRequest: (req) => ({ ...req, ...make() }), onResponse }];
  if (warmupS > 0) await autocannon({ url, connections, duration: warmupS, requests });
  const opts = { url, connections, requests };
  if (amount) opts.amount = amount;
  else opts.duration = durationS;
  const startValue = onMeasureStart ? onMeasureStart() : undefined;
  const startedAt = Date.now();
  const r = await autocannon(opts);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    requests: r.requests.total,
    // A run of `amount` requests ends at autocannon's next whole-second tick, so its own
    // duration rounds up by as much as a second (a 2.6 s round reads 3.0 s): time it to the
    // last answer instead.
    durationS: amount ? (lastAnswerAt - startedAt) / 1000 : r.duration,
    startValue,
    counted,
  };
}

module.exports = { measure };
