'use strict';
// The resend rule (SPEC §3) against a fake provider on 127.0.0.1, real SDKs, real HTTP: a
// reply is sent again only when the provider cannot have accepted it (a 429, after its
// Retry-After; a connection refused before the request went out). After a 5xx or a timeout
// the outcome is unknown: one request, and an error that says so.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');
const { startFakeProvider } = require('../../support/fake-provider');
const { freePort } = require('../../support/free-port');
const { twilioSignature, vonageMessagesJwt } = require('../../support/sign');

const TOKEN = 'resend-twilio-token';
const SID = 'AC00000000000000000000000000000009';
const SECRET = 'resend-vonage-signature-secret';
const TIMEOUT_MS = 400;
const RETRY = { baseMs: 50, timeoutMs: TIMEOUT_MS };

function onTab(nodes) {
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...nodes.map((node) => (node.type === 'sms account' ? node : { z: 'tab', x: 0, y: 0, ...node }))];
}

/** `sms in` → [wait] → `sms reply` → out; a catch node collects failures. */
function replyFlow(account, { wait = 0, replyTimeout = 10, again = false } = {}) {
  const middle = wait ? [{ id: 'wait', type: 'function', func: `setTimeout(() => node.send(msg), ${wait}); return null;`, outputs: 1, wires: [['reply']] }] : [];
  return onTab([
    { id: 'acct', type: 'sms account', name: 'main', ...account },
    { id: 'in', type: 'sms in', account: 'acct', provider: 'auto', path: '/rs/in', replyTimeout, wires: [[wait ? 'wait' : 'reply']] },
    ...middle,
    { id: 'reply', type: 'sms reply', text: 'thanks', media: '', wires: [['out']] },
    { id: 'out', type: 'helper' },
    // again: the flow tries the failed reply once more (as a message emitted again would).
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [again ? ['caught', 'once'] : ['caught']] },
    ...(again ? [{ id: 'once', type: 'function', func: 'if (msg.tried) return null; msg.tried = true; delete msg.error; return msg;', outputs: 1, wires: [['reply']] }] : []),
    { id: 'caught', type: 'helper' },
  ]);
}

const vonageCreds = { acct: { signatureSecret: SECRET, apiKey: 'key', apiSecret: 'secret' } };
const twilioCreds = { acct: { accountSid: SID, authToken: TOKEN } };

async function postVonage(url) {
  const raw = JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), to: '447700900000', from: '447700900001', text: 'hi' });
  return rt.postJson(url, raw, { Authorization: `Bearer ${vonageMessagesJwt(SECRET, raw)}` });
}

async function postTwilio(url) {
  const params = { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`, AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: 'hi' };
  return rt.postForm(url, params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url, params) });
}

describe('sms reply — resend only what the provider cannot have accepted (SPEC §3)', function () {
  this.timeout(20_000);
  let fake;
  let restore;
  before(async () => {
    fake = await startFakeProvider();
    restore = rt.settings({ smsRetry: RETRY });
  });
  after(async () => {
    restore();
    await fake.close();
    await rt.stopServer();
  });
  beforeEach(() => fake.reset());
  afterEach(() => rt.unload());

  const providers = {
    'Vonage Messages API': {
      route: 'vonage-messages',
      flow: (host, o) => [replyFlow({ provider: 'vonage', apiHost: host }, o), vonageCreds],
      post: postVonage,
      unknown: /Vonage Messages API answered HTTP 503 Service Unavailable for account "main": the outcome is unknown/,
      timedOut: /Vonage Messages API for account "main": no answer in time; the outcome is unknown/,
    },
    // The reply comes after the webhook was answered, so it goes through Twilio's REST API.
    Twilio: {
      route: 'twilio',
      flow: (host, o) => [replyFlow({ provider: 'twilio', apiHost: host }, { wait: 400, replyTimeout: 0.2, ...o }), twilioCreds],
      post: postTwilio,
      unknown: /Twilio answered HTTP 503 for account "main" .*the outcome is unknown/,
      timedOut: /no answer from Twilio for account "main" .*the outcome is unknown/,
    },
  };

  for (const [name, p] of Object.entries(providers)) {
    describe(name, function () {
      it('a 503 is not sent again: one request, and the error says the outcome is unknown', async function () {
        const { url } = await rt.load(...p.flow(fake.url));
        const caught = rt.collector('caught');
        fake.script(p.route, { status: 503, body: { title: 'Service Unavailable', message: 'busy' } });
        await p.post(url('/rs/in'));
        const err = await caught.next(5000);
        assert.match(err.error.message, p.unknown);
        await rt.sleep(300);
        assert.equal(fake.requests.length, 1);
      });

      it('a timeout is not sent again: one request, and the error says the outcome is unknown', async function () {
        const { url } = await rt.load(...p.flow(fake.url));
        const caught = rt.collector('caught');
        fake.script(p.route, { hang: true });
        await p.post(url('/rs/in'));
        const err = await caught.next(5000);
        assert.match(err.error.message, p.timedOut);
        await rt.sleep(300);
        assert.equal(fake.requests.length, 1);
      });

      it('after an unknown outcome the reply right stays taken: a second attempt is not sent (already-replied)', async function () {
        const { url } = await rt.load(...p.flow(fake.url, { again: true }));
        const out = rt.collector('out');
        fake.script(p.route, { status: 503, body: { title: 'Service Unavailable', message: 'busy' } });
        await p.post(url('/rs/in'));
        const second = await out.next(5000);
        assert.equal(second.sms.reply.notSent, 'already-replied');
        assert.equal(fake.requests.length, 1);
      });

      it('after a definite refusal the right is given back: a second attempt is sent', async function () {
        const { url } = await rt.load(...p.flow(fake.url, { again: true }));
        const out = rt.collector('out');
        fake.script(p.route, { status: 400, body: { title: 'Bad Request', message: 'no', code: 21211 } });
        await p.post(url('/rs/in'));
        const second = await out.next(5000);
        assert.equal(second.sms.reply.notSent, undefined);
        assert.equal(fake.requests.length, 2);
      });

      it('a 429 is sent again once its Retry-After has passed', async function () {
        const { url } = await rt.load(...p.flow(fake.url));
        const out = rt.collector('out');
        fake.script(p.route, { status: 429, headers: { 'retry-after': '1' }, body: { title: 'Too Many Requests', message: 'slow down' } });
        await p.post(url('/rs/in'));
        await out.next(6000);
        assert.equal(fake.requests.length, 2);
        const waited = fake.requests[1].at - fake.requests[0].at;
        assert.ok(waited >= 950, `sent again after ${waited} ms, before the 1 s Retry-After`);
      });

      it('a connection refused before the request went out is sent again, once', async function () {
        const port = await freePort();
        // Nothing listens on the port at the first attempt; the provider is up for the retry 1.5 s later.
        rt.settings({ smsRetry: { ...RETRY, baseMs: 1500 } });
        let late;
        try {
          const { url } = await rt.load(...p.flow(`http://127.0.0.1:${port}`));
          const out = rt.collector('out');
          const posted = Date.now();
          await p.post(url('/rs/in'));
          await rt.sleep(Math.max(0, posted + 1000 - Date.now()));
          late = await startFakeProvider({ port });
          await out.next(8000);
          assert.equal(late.requests.length, 1, 'sent once, by the retry');
        } finally {
          rt.settings({ smsRetry: RETRY });
          if (late) await late.close();
        }
      });
    });
  }
});
