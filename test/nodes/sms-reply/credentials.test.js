'use strict';
// Issue 13, defects 2 and 7: a Vonage private key pasted without its line breaks, a key that is
// no key at all, and what a failed reply says — on the Catch node, under the node, in the log.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');
const rt = require('../../support/runtime');
const { twilioSignature, vonageMessagesJwt } = require('../../support/sign');

const SIG_SECRET = 'vonage-signature-secret';
const TOKEN = 'twilio-token-for-tests';
const SID = 'AC00000000000000000000000000000001';
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
// What a one-line password box leaves of a pasted key: its line breaks became spaces.
const KEY_ON_ONE_LINE = privateKey.trim().split('\n').join(' ');
// What a JSON or .env file holds: the line breaks written as \n.
const KEY_WITH_ESCAPED_BREAKS = privateKey.trim().split('\n').join('\\n');
const WHERE_APPLICATION = 'Vonage dashboard ▸ Applications ▸ your application';
const WHERE_TWILIO = 'Twilio console home page (console.twilio.com), box Account Info';

function flow({ account, replyNode = {}, inNode = {} }) {
  return [
    { id: 'tab', type: 'tab', label: 'test' },
    { id: 'acct', type: 'sms account', name: 'main', ...account },
    { id: 'in', type: 'sms in', z: 'tab', account: 'acct', path: '/sms/in', wires: [['reply']], ...inNode },
    { id: 'reply', type: 'sms reply', z: 'tab', text: 'Thanks', ...replyNode, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}

function messagesInbound() {
  return JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), to: '447700900000', from: '447700900001', text: 'hi', timestamp: new Date().toISOString() });
}

const postSigned = (url, raw) => rt.postJson(url, raw, { Authorization: `Bearer ${vonageMessagesJwt(SIG_SECRET, raw)}` });

function warnings() {
  return rt.helper
    .log()
    .args.map((a) => a[0])
    .filter((entry) => entry.level === 30)
    .map((entry) => String(entry.msg));
}

describe('sms reply: credentials and the words of its errors', function () {
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });

  describe('the Vonage private key', function () {
    const account = () => ({ provider: 'vonage', apiHost: fake.url });

    for (const [what, key] of [
      ['whose line breaks became spaces', KEY_ON_ONE_LINE],
      ['whose line breaks are written \\n', KEY_WITH_ESCAPED_BREAKS],
    ]) {
      it(`signs the Messages API reply with a key ${what}`, async function () {
        const { url } = await rt.load(flow({ account: account() }), { acct: { signatureSecret: SIG_SECRET, applicationId: 'app-1', privateKey: key } });
        const out = rt.collector('out');
        await postSigned(url('/sms/in'), messagesInbound());
        await out.next(4000);
        const token = fake.requests[0].headers.authorization.replace(/^Bearer /, '');
        assert.equal(jwt.verify(token, publicKey, { algorithms: ['RS256'] }).application_id, 'app-1');
        assert.deepEqual(warnings().filter((w) => /private key/.test(w)), []);
      });
    }

    it('says plainly that a value which is no key is not a PEM private key, where to get one, and never calls Vonage', async function () {
      const { url } = await rt.load(flow({ account: account(), replyNode: { account: 'acct' } }), {
        acct: { signatureSecret: SIG_SECRET, applicationId: 'app-1', privateKey: 'a1b2c3d4-my-application-id' },
      });
      // At start: in the log (the account) and under the sms reply node that uses it.
      const warned = warnings().find((w) => /private key/.test(w));
      assert.ok(warned, 'the account warns at start');
      assert.match(warned, /^the private key of account "main" is not a PEM private key: paste the whole private\.key file/);
      assert.deepEqual(rt.lastStatus('reply'), { fill: 'yellow', shape: 'ring', text: 'account: private key unreadable' });

      const caught = rt.collector('caught');
      await postSigned(url('/sms/in'), messagesInbound());
      const err = await caught.next(4000);
      assert.equal(fake.requests.length, 0, 'Vonage is not called with a key that cannot sign');
      assert.match(err.error.message, /^the private key of account "main" is not a PEM private key: paste the whole private\.key file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----/);
      assert.ok(err.error.message.includes(`${WHERE_APPLICATION}: the Application ID, and the private key is the private.key file that Generate public and private key downloaded`));
      assert.doesNotMatch(err.error.message, /refused|secretOrPrivateKey/);
      assert.equal(rt.lastStatus('reply').text, 'private key unreadable');
    });

    it('tells a public key and a cut-off key apart from a private key', async function () {
      await rt.load(flow({ account: account() }), { acct: { applicationId: 'app-1', privateKey: publicKey } });
      assert.ok(warnings().some((w) => /^the private key of account "main" is a public key \(PUBLIC KEY\), not the private one: paste/.test(w)));
      const lines = privateKey.trim().split('\n');
      await rt.load(flow({ account: account() }), { acct: { applicationId: 'app-1', privateKey: [...lines.slice(0, 8), lines[lines.length - 1]].join('\n') } });
      assert.ok(warnings().some((w) => /^the private key of account "main" is damaged or incomplete \(Node\.js could not read it: /.test(w)));
    });
  });

  describe('failures', function () {
    it('hand the Catch node the sentence alone, no class name in front, and name the cause under the node', async function () {
      const f = flow({ account: { provider: 'vonage' } });
      f.find((n) => n.id === 'in').account = '';
      const { url } = await rt.load(f);
      const caught = rt.collector('caught');
      await rt.postJson(url('/sms/in'), messagesInbound());
      const err = await caught.next();
      assert.match(err.error.message, /^no sms account to reply with: choose one/);
      assert.deepEqual(rt.lastStatus('reply'), { fill: 'red', shape: 'ring', text: 'no account' });
    });

    it('a Vonage account without credentials: says which values, and where in the Vonage dashboard they are', async function () {
      const { url } = await rt.load(flow({ account: { provider: 'vonage', apiHost: fake.url } }), { acct: { signatureSecret: SIG_SECRET } });
      const caught = rt.collector('caught');
      await postSigned(url('/sms/in'), messagesInbound());
      const err = await caught.next(4000);
      assert.match(err.error.message, /^account "main" needs an Application ID and private key \(Vonage dashboard ▸ Applications ▸ your application: /);
      assert.ok(err.error.message.includes('API key and API secret (Vonage dashboard home page (dashboard.nexmo.com), or Settings ▸ API Settings'));
      assert.equal(rt.lastStatus('reply').text, 'account needs Vonage credentials');
    });

    it('Vonage refusing the credentials: the status says so, the sentence says where to check them', async function () {
      const { url } = await rt.load(flow({ account: { provider: 'vonage', apiHost: fake.url } }), {
        acct: { signatureSecret: SIG_SECRET, applicationId: 'app-1', privateKey },
      });
      const caught = rt.collector('caught');
      fake.script('vonage-messages', { status: 401, body: { title: 'Unauthorized', detail: 'You did not provide correct credentials.' } });
      await postSigned(url('/sms/in'), messagesInbound());
      const err = await caught.next(4000);
      assert.match(err.error.message, /^Vonage Messages API refused the reply for account "main" \(HTTP 401 Unauthorized/);
      assert.ok(err.error.message.includes(`Check the Application ID and private key (${WHERE_APPLICATION}`));
      assert.equal(rt.lastStatus('reply').text, 'Vonage: credentials refused');
    });

    it('Twilio refusing the credentials of a late reply: the status says so, the sentence points to Account Info', async function () {
      const wait = { id: 'wait', type: 'function', z: 'tab', func: 'setTimeout(() => node.send(msg), 500); return null;', outputs: 1, wires: [['reply']] };
      const f = flow({ account: { provider: 'twilio', apiHost: fake.url }, inNode: { replyTimeout: 0.2, wires: [['wait']] } });
      const { url } = await rt.load([...f, wait], { acct: { accountSid: SID, authToken: TOKEN } });
      const caught = rt.collector('caught');
      fake.script('twilio', { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } });
      const params = { MessageSid: `SM${Date.now()}`, AccountSid: SID, From: '+14155550100', To: '+14155550199', Body: 'hi' };
      await rt.postForm(url('/sms/in'), params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url('/sms/in'), params) });
      const err = await caught.next(4000);
      assert.match(err.error.message, /^Twilio refused the reply for account "main" \(HTTP 401, error 20003/);
      assert.ok(err.error.message.includes(`Check the Account SID and Auth Token of the account (${WHERE_TWILIO}`));
      assert.equal(rt.lastStatus('reply').text, 'Twilio: credentials refused');
    });

    it('an Account SID that is not one is told at start, with where to copy it from', async function () {
      await rt.load(flow({ account: { provider: 'twilio' } }), { acct: { accountSid: 'SK0123', authToken: TOKEN } });
      assert.ok(warnings().some((w) => w.startsWith('the Account SID of account "main" is not an Account SID') && w.includes(WHERE_TWILIO)));
    });
  });
});
