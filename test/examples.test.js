'use strict';
// Each example flow, loaded as shipped into a real Node-RED runtime, driven by requests in
// the provider's own format over real HTTP, with the reply checked on the wire (TwiML, or
// what the fake provider on 127.0.0.1 received). The only thing a test adds is what a user
// types into the account dialog: credentials, and the public URL / API host it needs.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { promisify } = require('node:util');
// Asynchronous: the Node-RED answering the curl runs in this process.
const execFile = promisify(require('node:child_process').execFile);
const fs = require('node:fs');
const path = require('node:path');
const rt = require('./support/runtime');
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('./support/sign');
const { exampleOnTab } = require('../scripts/lib/node-red-home');
const { twilioErrorMessage } = require('../dist/providers/twilio/errors');

const EXAMPLES = path.join(__dirname, '..', 'examples');
const PUBLIC = 'https://public.example';
let seq = 0;
const unique = (prefix) => `${prefix}${Date.now()}${++seq}`;

/** The example as Import ▸ Examples puts it into the editor: on a tab of its own. */
function example(name) {
  return exampleOnTab(name, { id: 'example-tab', label: name });
}

/** The example with account settings filled in, as a user does in the account dialog. */
function withAccounts(flow, settings = {}) {
  return flow.map((n) => (n.type === 'sms account' ? { ...n, ...settings } : n));
}

/** Credentials for every account of the flow (or those of one provider). */
function credentialsFor(flow, provider, creds) {
  const out = {};
  for (const n of flow) if (n.type === 'sms account' && n.provider === provider) out[n.id] = creds;
  return out;
}

const idOf = (flow, type, name) => flow.find((n) => n.type === type && (name === undefined || n.name === name)).id;

function twilioParams(body, from = '+15551230001') {
  return { MessageSid: unique('SM'), AccountSid: 'AC00000000000000000000000000000001', From: from, To: '+15557650002', Body: body };
}

/** The <Message> texts of a TwiML answer. */
function twimlMessages(xml) {
  return [...xml.matchAll(/<Message[^>]*>(?:<Body>)?([^<]*)/g)].map((m) => m[1]);
}

describe('example flows', function () {
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });

  it('every example opens with a comment saying what it does and uses only this package and core nodes', function () {
    const ours = new Set(['sms in', 'sms status', 'sms reply', 'sms account', 'sms ask', 'sms send']);
    const core = new Set(['comment', 'switch', 'change', 'template', 'debug', 'inject', 'function']);
    const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 6, 'the six examples are there');
    const ids = new Set();
    const paths = new Map();
    for (const file of files) {
      const flow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
      assert.equal(flow[0].type, 'comment', `${file} starts with a comment`);
      assert.ok(flow[0].info.length > 100, `${file}: the comment explains what to set`);
      for (const n of flow) {
        assert.ok(ours.has(n.type) || core.has(n.type), `${file}: ${n.type} is ours or core`);
        assert.ok(!ids.has(n.id), `${file}: id ${n.id} is unique across examples, so two can be imported together`);
        ids.add(n.id);
        assert.equal(n.credentials, undefined, `${file}: no credentials in an example`);
        if (n.path) {
          assert.ok(!paths.has(n.path), `${file}: ${n.path} is also used by ${paths.get(n.path)}`);
          paths.set(n.path, file);
        }
      }
    }
  });

  describe('01 Keyword auto-responder - Twilio', function () {
    const flow = example('01 Keyword auto-responder - Twilio');

    it('answers each keyword with its TwiML reply, unconfigured as imported', async function () {
      const { url } = await rt.load(flow);
      const cases = [
        ['hours?', /open Monday to Friday/],
        ['Price', /standard visit costs/],
        ['HELP me', /Text HOURS for opening hours/],
        ['banana', /did not understand/],
      ];
      for (const [body, expected] of cases) {
        const res = await rt.postForm(url('/sms/twilio'), twilioParams(body));
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /text\/xml/);
        const messages = twimlMessages(res.text);
        assert.equal(messages.length, 1, res.text);
        assert.match(messages[0], expected, `${body} → ${res.text}`);
      }
    });

    it('a text that opts out gets no reply at all', async function () {
      const { url } = await rt.load(flow);
      for (const body of ['STOP', 'unsubscribe']) {
        const res = await rt.postForm(url('/sms/twilio'), twilioParams(body));
        assert.equal(res.status, 200);
        assert.match(res.text, /<Response\/>/);
        assert.deepEqual(twimlMessages(res.text), []);
      }
    });

    it('a text that opts back in (START, UNSTOP) gets no reply either: Twilio confirms it itself', async function () {
      const { url } = await rt.load(flow);
      for (const body of ['START', 'unstop']) {
        const res = await rt.postForm(url('/sms/twilio'), twilioParams(body));
        assert.equal(res.status, 200);
        assert.deepEqual(twimlMessages(res.text), [], `${body} → ${res.text}`);
      }
    });

    it('the curl line in its comment gets the reply, and again when run a second time', async function () {
      const { url } = await rt.load(flow);
      const curl = flow.find((n) => n.type === 'comment').info.match(/`(curl [^`]+)`/)[1].replace('http://127.0.0.1:1880', url(''));
      for (let i = 0; i < 2; i++) {
        const { stdout: reply } = await execFile('sh', ['-c', curl], { encoding: 'utf8', timeout: 5000 });
        assert.match(reply, /<Message>We are open Monday to Friday/, `run ${i + 1}: ${reply}`);
      }
    });

    it('with the auth token set, a signed request gets the reply and a forged one 403', async function () {
      const configured = withAccounts(flow, { publicUrl: PUBLIC });
      const { url } = await rt.load(configured, credentialsFor(configured, 'twilio', { authToken: 'tok' }));
      const params = twilioParams('HOURS');
      const signed = await rt.postForm(url('/sms/twilio'), params, { 'X-Twilio-Signature': twilioSignature('tok', `${PUBLIC}/sms/twilio`, params) });
      assert.match(twimlMessages(signed.text)[0], /open Monday/);
      const forged = twilioParams('HOURS');
      const res = await rt.postForm(url('/sms/twilio'), forged, { 'X-Twilio-Signature': twilioSignature('other', `${PUBLIC}/sms/twilio`, forged) });
      assert.equal(res.status, 403);
    });
  });

  describe('02 Keyword auto-responder - Vonage Messages API', function () {
    const flow = example('02 Keyword auto-responder - Vonage Messages API');

    it('acknowledges at once and sends the keyword answer through the Messages API, signed both ways', async function () {
      const { privateKey } = crypto.generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const configured = withAccounts(flow, { apiHost: fake.url });
      const creds = credentialsFor(configured, 'vonage', { applicationId: 'app-1', privateKey, signatureSecret: 'sig-secret' });
      const { url } = await rt.load(configured, creds);
      const body = JSON.stringify({ channel: 'sms', message_type: 'text', message_uuid: crypto.randomUUID(), from: '447700900001', to: '447700900002', text: 'price please', timestamp: new Date().toISOString() });
      const res = await rt.postJson(url('/sms/vonage'), body, { authorization: `Bearer ${vonageMessagesJwt('sig-secret', body)}` });
      assert.equal(res.status, 200);
      await waitFor(() => fake.requests.length === 1);
      const sent = fake.requests[0];
      assert.equal(sent.path, '/v1/messages');
      assert.equal(sent.body.channel, 'sms');
      assert.equal(sent.body.to, '447700900001');
      assert.equal(sent.body.from, '447700900002');
      assert.match(sent.body.text, /standard visit costs/);
      assert.match(sent.headers.authorization, /^Bearer /);

      const receipts = rt.collector(idOf(flow, 'debug', 'receipts'));
      const status = JSON.stringify({ message_uuid: crypto.randomUUID(), status: 'delivered', timestamp: new Date().toISOString(), to: '447700900001', from: '447700900002', channel: 'sms' });
      const ack = await rt.postJson(url('/sms/vonage-status'), status, { authorization: `Bearer ${vonageMessagesJwt('sig-secret', status)}` });
      assert.equal(ack.status, 200);
      assert.equal((await receipts.next()).payload, 'delivered', 'the Status URL of the comment is served');
    });
  });

  describe('03 Keyword auto-responder - Vonage SMS API', function () {
    const flow = example('03 Keyword auto-responder - Vonage SMS API');

    it('takes a signed GET webhook and sends the answer through the SMS API', async function () {
      const configured = withAccounts(flow, { apiHost: fake.url });
      const { url } = await rt.load(configured, credentialsFor(configured, 'vonage', { apiKey: 'key1', apiSecret: 'secret1', signatureSecret: 'sms-secret' }));
      const params = signVonageSms('sms-secret', { msisdn: '447700900001', to: '447700900002', messageId: unique('1A'), text: 'Hours', type: 'text' });
      const res = await rt.send(`${url('/sms/vonage-sms')}?${new URLSearchParams(params)}`, { method: 'GET' });
      assert.equal(res.status, 200);
      await waitFor(() => fake.requests.length === 1);
      const sent = fake.requests[0];
      assert.equal(sent.path, '/sms/json');
      assert.equal(sent.body.to, '447700900001');
      assert.equal(sent.body.from, '447700900002');
      assert.equal(sent.headers.authorization, `Basic ${Buffer.from('key1:secret1').toString('base64')}`);
      assert.match(sent.body.text, /open Monday to Friday/);
    });
  });

  describe('04 Delivery receipts', function () {
    const flow = example('04 Delivery receipts');

    it('the reply asks for receipts at /sms/status; failures and other states reach their own log', async function () {
      const configured = withAccounts(flow, { publicUrl: PUBLIC });
      const { url } = await rt.load(configured, credentialsFor(configured, 'twilio', { authToken: 'tok' }));
      const failures = rt.collector(idOf(flow, 'debug', 'failures'));
      const log = rt.collector(idOf(flow, 'debug', 'delivery log'));
      const post = (p, params) => rt.postForm(url(p), params, { 'X-Twilio-Signature': twilioSignature('tok', PUBLIC + p, params) });

      const res = await post('/sms/receipts-demo', twilioParams('hello'));
      assert.match(res.text, /<Message action="https:\/\/public\.example\/sms\/status" method="POST">Thanks \+15551230001, we got your message\.<\/Message>/);

      const sid = unique('SM');
      const receipt = (status, extra = {}) => ({ MessageSid: sid, AccountSid: 'AC00000000000000000000000000000001', MessageStatus: status, From: '+15557650002', To: '+15551230001', ...extra });
      assert.equal((await post('/sms/status', receipt('sent'))).status, 200);
      assert.equal((await log.next()).payload, `Message ${sid} to +15551230001: sent`);
      assert.equal((await post('/sms/status', receipt('undelivered', { ErrorCode: '30003' }))).status, 200);
      const failure = await failures.next();
      const explained = twilioErrorMessage('30003');
      assert.match(explained, /'/, 'the explanation has an apostrophe, which HTML escaping would mangle');
      assert.equal(failure.payload, `Message ${sid} to +15551230001 undelivered: ${explained} (code 30003)`);
      assert.equal(log.messages.length, 0, 'the failure is not in the delivery log');
    });
  });

  describe('05 Opt-out STOP START HELP', function () {
    const flow = example('05 Opt-out STOP START HELP');

    it('STOP puts the sender on the opt-out list and silences auto-replies until START; HELP explains; others still get answers', async function () {
      const { url } = await rt.load(flow);
      const say = async (body, from) => twimlMessages((await rt.postForm(url('/sms/optout'), twilioParams(body, from))).text);
      // The list is the account's: here the sms in has none, so the AccountSid the message names.
      const listed = async () =>
        (await rt.helper.request().get('/sms-consent/lists').query({ account: 'twilio:AC00000000000000000000000000000001' }).expect(200)).body.entries.map((e) => e.number);
      const alice = `+1555${String(Date.now()).slice(-7)}`;
      const bob = `+1556${String(Date.now()).slice(-7)}`;

      assert.match((await say('hello', alice))[0], /We got your message/);
      assert.match((await say('yes', bob))[0], /You are subscribed/, 'YES is a START word');
      assert.match((await say('STOP', alice))[0], /unsubscribed/);
      assert.ok((await listed()).includes(alice), 'on the list');
      assert.deepEqual(await say('hello again', alice), [], 'no auto-reply after STOP');
      assert.match((await say('hi', bob))[0], /We got your message/, 'other senders are still answered');
      assert.equal((await listed()).includes(bob), false);
      assert.match((await say('help', alice))[0], /Text STOP to unsubscribe/, 'HELP is answered while opted out');
      assert.match((await say('Start', alice))[0], /You are subscribed/);
      assert.equal((await listed()).includes(alice), false, 'off the list after START');
      assert.match((await say('hello', alice))[0], /We got your message/, 'answered again after START');
      assert.equal(
        flow.some((n) => JSON.stringify(n).includes('Context')),
        false,
        'the example keeps no list of its own',
      );
    });
  });

  describe('06 Media and long messages', function () {
    const flow = example('06 Media and long messages');

    it('PHOTO gets a TwiML reply with the image', async function () {
      const { url } = await rt.load(flow);
      const res = await rt.postForm(url('/sms/media'), twilioParams('photo'));
      assert.match(res.text, /<Message><Body>Here is today's menu\.<\/Body><Media>https:\/\/demo\.twilio\.com\/owl\.png<\/Media><\/Message>/);
    });

    it('a three-part Vonage message arriving out of order is shown and answered as one', async function () {
      const configured = withAccounts(flow, { apiHost: fake.url });
      const { url } = await rt.load(configured, credentialsFor(configured, 'vonage', { apiKey: 'key1', apiSecret: 'secret1' }));
      const whole = rt.collector(idOf(flow, 'debug', 'whole message'));
      const ref = unique('r');
      const parts = ['The first part of a long message, ', 'the second part, ', 'and the end.'];
      for (const n of [2, 3, 1]) {
        const params = { msisdn: '447700900001', to: '447700900002', messageId: unique('1A'), text: parts[n - 1], type: 'text', concat: 'true', 'concat-ref': ref, 'concat-total': '3', 'concat-part': String(n) };
        assert.equal((await rt.postForm(url('/sms/long'), params)).status, 200);
      }
      const text = parts.join('');
      assert.equal((await whole.next()).payload, text);
      await waitFor(() => fake.requests.length === 1);
      assert.equal(fake.requests[0].body.text, `Got your 3-part message, ${text.length} characters.`);
    });
  });

  describe('07 WhatsApp menu auto-responder - Vonage Messages API', function () {
    const flow = example('07 WhatsApp menu auto-responder - Vonage Messages API');
    const whatsapp = (fields) => ({ channel: 'whatsapp', message_uuid: crypto.randomUUID(), from: '447700900001', to: '14157386102', timestamp: new Date().toISOString(), profile: { name: 'Jane' }, ...fields });

    it('answers a text with the interactive menu, and each tapped choice by its id', async function () {
      const configured = withAccounts(flow, { apiHost: fake.url });
      const { url } = await rt.load(configured, credentialsFor(configured, 'vonage', { apiKey: 'key1', apiSecret: 'secret1', signatureSecret: 'sig-secret' }));
      const post = async (fields) => {
        const body = JSON.stringify(whatsapp(fields));
        const res = await rt.postJson(url('/whatsapp/vonage'), body, { authorization: `Bearer ${vonageMessagesJwt('sig-secret', body)}` });
        assert.equal(res.status, 200);
      };

      await post({ message_type: 'text', text: 'hi' });
      await waitFor(() => fake.requests.length === 1);
      const menu = fake.requests[0].body;
      assert.deepEqual([menu.channel, menu.message_type, menu.to, menu.from], ['whatsapp', 'custom', '447700900001', '14157386102']);
      assert.equal(menu.custom.type, 'interactive');
      assert.equal(menu.custom.interactive.body.text, 'Hello Jane! How can we help?');
      assert.deepEqual(menu.custom.interactive.action.buttons.map((b) => b.reply.id), ['hours', 'price', 'human']);

      const answers = [
        [{ message_type: 'reply', reply: { id: 'hours', title: 'Öffnungszeiten' } }, /open Monday to Friday/],
        [{ message_type: 'reply', reply: { id: 'price', title: 'Prices' } }, /costs \$40/],
        [{ message_type: 'button', button: { payload: 'human', text: 'Talk to us' } }, /Someone from our team/],
        [{ message_type: 'location', location: { lat: 51.5, long: -0.12 } }, /nearest shop/],
      ];
      for (const [fields, expected] of answers) {
        fake.reset();
        await post(fields);
        await waitFor(() => fake.requests.length === 1);
        assert.deepEqual([fake.requests[0].body.channel, fake.requests[0].body.message_type], ['whatsapp', 'text']);
        assert.match(fake.requests[0].body.text, expected);
      }

      fake.reset();
      await post({ message_type: 'text', text: 'STOP' });
      await rt.sleep(200);
      assert.equal(fake.requests.length, 0, 'no menu after STOP');
    });
  });

  describe('08 WhatsApp keyword auto-responder - Twilio', function () {
    const flow = example('08 WhatsApp keyword auto-responder - Twilio');

    it('answers WhatsApp keywords and quick-reply buttons in TwiML, unconfigured as imported', async function () {
      const { url } = await rt.load(flow);
      const wa = (extra) => ({ ...twilioParams('', 'whatsapp:+447700900001'), To: 'whatsapp:+14155238886', ProfileName: 'Jane', ...extra });
      const hours = await rt.postForm(url('/whatsapp/twilio'), wa({ Body: 'hours?' }));
      assert.deepEqual(twimlMessages(hours.text), ['We are open Monday to Friday, 9am to 6pm.']);
      const button = await rt.postForm(url('/whatsapp/twilio'), wa({ Body: 'Price', ButtonText: 'Price', ButtonPayload: 'PRICE_BUTTON' }));
      assert.match(twimlMessages(button.text)[0], /costs \$40/);
      const stop = await rt.postForm(url('/whatsapp/twilio'), wa({ Body: 'STOP' }));
      assert.match(stop.text, /<Response\/>/);
    });
  });

  describe('09 Appointment confirmation - Twilio', function () {
    const flow = example('09 Appointment confirmation - Twilio');
    const patient = '+15551230001';
    // What the user types in: the account's credentials and API host (the fake), the From number.
    const configured = (timeout) =>
      withAccounts(flow, { apiHost: fake.url }).map((n) => {
        if (n.type !== 'sms ask') return n;
        return { ...n, ...(n.name === 'reminder' ? { from: '+15557650002' } : {}), ...(timeout ? { timeout } : {}) };
      });
    const creds = (f) => credentialsFor(f, 'twilio', { accountSid: 'AC00000000000000000000000000000001', authToken: 'tok' });
    const answer = (url, body) => {
      const params = twilioParams(body, patient);
      return rt.postForm(url('/sms/appointments'), params, { 'X-Twilio-Signature': twilioSignature('tok', url('/sms/appointments'), params) });
    };
    async function remind(f) {
      const { url } = await rt.load(f, creds(f));
      rt.helper.getNode(idOf(flow, 'inject')).receive({});
      await waitFor(() => fake.requests.length === 1);
      return url;
    }

    it('the reminder goes out through the API; YES confirms, NO cancels, in TwiML with the name and time', async function () {
      const f = configured();
      let url = await remind(f);
      const sent = fake.requests[0];
      assert.equal(sent.route, 'twilio');
      assert.deepEqual([sent.body.To, sent.body.From], [patient, '+15557650002']);
      assert.equal(sent.body.Body, 'Hi Jane, your appointment is tomorrow at 10:30. Reply YES to confirm, NO to cancel.');
      assert.deepEqual(twimlMessages((await answer(url, 'yes')).text), ['Thanks Jane, see you tomorrow at 10:30.']);

      fake.reset();
      url = await remind(f);
      assert.deepEqual(twimlMessages((await answer(url, 'No!')).text), ['Your appointment tomorrow at 10:30 is cancelled. Call us to book another one.']);
      assert.match(twimlMessages((await answer(url, 'hello')).text)[0], /We will remind you/, 'after the answer, a text is no answer');
    });

    it('anything else is asked once more, then the flow gives up and says it will call', async function () {
      const f = configured();
      const url = await remind(f);
      assert.deepEqual(twimlMessages((await answer(url, 'which one?')).text), ['Sorry, please reply YES to confirm your appointment tomorrow at 10:30 or NO to cancel.']);
      assert.deepEqual(twimlMessages((await answer(url, 'YES')).text), ['Thanks Jane, see you tomorrow at 10:30.']);
      fake.reset();
      await remind(f);
      await answer(url, 'maybe');
      assert.deepEqual(twimlMessages((await answer(url, 'perhaps')).text), ['We could not tell: we will call you about your appointment tomorrow at 10:30.']);
    });

    it('no answer within the wait: the no answer debug node gets it (the 2 h wait shortened for the test)', async function () {
      assert.equal(flow.find((n) => n.name === 'reminder').timeout, 7200, 'the example waits 2 hours');
      const f = configured(0.5);
      await remind(f);
      const none = rt.collector(idOf(flow, 'debug', 'no answer'));
      const msg = await none.next(5000);
      assert.equal(msg.asked.outcome, 'timeout');
      assert.deepEqual([msg.to, msg.name], [patient, 'Jane']);
    });
  });

  describe('10 Three-question survey', function () {
    const flow = example('10 Three-question survey');

    it('asks three questions in TwiML and puts the three answers into one message; two people at once keep their own answers', async function () {
      const { url } = await rt.load(flow);
      const results = rt.collector(idOf(flow, 'debug', 'survey results'));
      const say = async (from, body) => twimlMessages((await rt.postForm(url('/sms/survey'), twilioParams(body, from))).text);
      const [ann, ben] = ['+15550000011', '+15550000012'];
      assert.deepEqual(await say(ann, 'hi'), ['Thanks for taking our survey! 1/3: How did you hear about us?']);
      assert.deepEqual(await say(ben, 'hello'), ['Thanks for taking our survey! 1/3: How did you hear about us?']);
      assert.deepEqual(await say(ann, 'A friend'), ['2/3: How would you rate us, from 1 to 5?']);
      assert.deepEqual(await say(ben, 'The radio'), ['2/3: How would you rate us, from 1 to 5?']);
      assert.deepEqual(await say(ben, '4'), ['3/3: Anything else you would like to tell us?']);
      assert.deepEqual(await say(ann, '5'), ['3/3: Anything else you would like to tell us?']);
      assert.deepEqual(await say(ann, 'Great coffee'), ['Thank you, that was all!']);
      assert.deepEqual(await say(ben, 'no'), ['Thank you, that was all!']);
      const got = [await results.next(), await results.next()];
      assert.deepEqual(got.map((m) => [m.sms.from, m.answers]), [
        [ann, { heard: 'A friend', rating: '5', comments: 'Great coffee' }],
        [ben, { heard: 'The radio', rating: '4', comments: 'no' }],
      ]);
    });
  });
  describe('sending first (11–13)', function () {
    const TWILIO = { accountSid: 'AC00000000000000000000000000000001', authToken: 'tok' };
    // What the user types in: credentials, the API host (the fake here) and the From number.
    const configured = (flow) => withAccounts(flow, { apiHost: fake.url }).map((n) => (n.type === 'sms send' ? { ...n, from: '+15557650002' } : n));
    const load = (flow) => {
      const f = configured(flow);
      return rt.load(f, credentialsFor(f, 'twilio', TWILIO));
    };
    const sends = () => fake.requests.filter((r) => r.route === 'twilio');

    it('11 Alert by text: the inject sends the alert to the fixed number through the API', async function () {
      const flow = example('11 Alert by text - Twilio');
      await load(flow);
      const sent = rt.collector(idOf(flow, 'debug', 'sent'));
      rt.helper.getNode(idOf(flow, 'inject')).receive({});
      const out = await sent.next(10000);
      assert.match(out.sms.sent.messageId, /^SM/);
      assert.deepEqual(sends().map((r) => [r.body.To, r.body.From, r.body.Body]), [['+15551230001', '+15557650002', 'Alert: the freezer is at -4 °C']]);
    });

    it('12 Morning reminder: scheduled for 08:00 each day; triggered, each on the list gets the reminder once', async function () {
      const flow = example('12 Morning reminder to a list - Twilio');
      const inject = flow.find((n) => n.type === 'inject');
      assert.equal(inject.crontab, '00 08 * * *', 'repeats at 08:00');
      await load(flow);
      const reminded = rt.collector(idOf(flow, 'debug', 'reminded'));
      rt.helper.getNode(inject.id).receive({});
      const got = [await reminded.next(10000), await reminded.next(10000), await reminded.next(10000)];
      assert.deepEqual(got.map((m) => m.topic), ['+15551230001', '+15551230002', '+15551230003']);
      assert.deepEqual(sends().map((r) => r.body.To), ['+15551230001', '+15551230002', '+15551230003']);
      assert.ok(sends().every((r) => r.body.Body === 'Good morning! A reminder: the team meeting is at 09:30 in room 2.'));
    });

    it('13 Broadcast: a subscriber who texted STOP to /sms/subscribers is skipped, and one summary counts both', async function () {
      const flow = example('13 Broadcast to subscribers with summary - Twilio');
      const { url } = await load(flow);
      const summary = rt.collector(idOf(flow, 'debug', 'summary'));
      const stop = { ...twilioParams('STOP', '+15551230003'), To: '+15557650002' };
      const res = await rt.postForm(url('/sms/subscribers'), stop, { 'X-Twilio-Signature': twilioSignature('tok', url('/sms/subscribers'), stop) });
      assert.equal(res.status, 200);
      const inject = flow.find((n) => n.type === 'inject');
      rt.helper.getNode(inject.id).receive({});
      const out = await summary.next(10000);
      assert.equal(out.payload, 'Broadcast: sent 3 of 4, not sent to +15551230003 (opted-out)');
      assert.deepEqual(sends().map((r) => r.body.To), ['+15551230001', '+15551230002', '+15551230004'], 'no message to the opted-out number');
      await rt.sleep(300);
      assert.equal(summary.messages.length, 0, 'one summary');
    });
  });
});

async function waitFor(condition, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await rt.sleep(10);
  }
}
