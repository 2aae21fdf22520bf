'use strict';
// The flow and the HTTP helpers the real-process guarantee tests share.
const crypto = require('node:crypto');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * sms in (Vonage SMS) → [a 200 ms delay] → sms reply through the fake provider → an http
 * request to the fake provider's /end/<sender>: the end of the flow, counted there too.
 */
function replyFlow(apiHost, { delayMs = 0, path = '/in' } = {}) {
  const tab = { id: 'tab', type: 'tab', label: 'guarantees' };
  const account = { id: 'acct', type: 'sms account', name: 'vonage', provider: 'vonage', apiHost };
  const reply = { id: 'reply', z: 'tab', type: 'sms reply', text: 'ok', media: '', wires: [['end']] };
  const end = { id: 'end', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${apiHost}/end/{{{topic}}}?notSent={{{sms.reply.notSent}}}`, wires: [[]] };
  const delay = {
    id: 'wait',
    z: 'tab',
    type: 'delay',
    pauseType: 'delay',
    timeout: String(delayMs),
    timeoutUnits: 'milliseconds',
    rate: '1',
    nbRateUnits: '1',
    rateUnits: 'second',
    randomFirst: '1',
    randomLast: '5',
    randomUnits: 'seconds',
    drop: false,
    outputs: 1,
    wires: [['reply']],
  };
  const smsIn = { id: 'in', z: 'tab', type: 'sms in', account: 'acct', provider: 'vonage-sms', path, wires: [[delayMs ? 'wait' : 'reply']] };
  return [tab, account, smsIn, ...(delayMs ? [delay] : []), reply, end];
}
const CREDS = { acct: { apiKey: 'key1', apiSecret: 'secret1' } };

function inbound(n, id = crypto.randomBytes(8).toString('hex')) {
  return { msisdn: `4477009${String(n).padStart(5, '0')}`, to: '447700900000', messageId: id, text: 'hi', type: 'text' };
}

async function post(base, path, params) {
  try {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    await res.text();
    return res.status;
  } catch {
    return 0; // the process died with the request open: not acknowledged
  }
}

function ended(fake) {
  return new Set(fake.requests.filter((r) => r.path.startsWith('/end/')).map((r) => decodeURIComponent(r.path.slice(5)).replace(/^\+/, '')));
}

/** Why sms reply sent nothing, per sender, as the end of the flow saw it ('already-replied'…). */
function notSentBySender(fake) {
  const out = new Map();
  for (const r of fake.requests) {
    if (!r.path.startsWith('/end/')) continue;
    const why = new URL(r.url, 'http://x').searchParams.get('notSent');
    if (why) out.set(decodeURIComponent(r.path.slice(5)).replace(/^\+/, ''), why);
  }
  return out;
}

function repliesBySender(fake) {
  const counts = new Map();
  for (const r of fake.requests) if (r.route === 'vonage-sms') counts.set(r.body.to, (counts.get(r.body.to) ?? 0) + 1);
  return counts;
}

async function until(what, check, ms = 30_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

module.exports = { replyFlow, CREDS, inbound, post, ended, repliesBySender, notSentBySender, until, sleep };
