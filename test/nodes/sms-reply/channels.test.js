'use strict';
// sms reply on the channel the message came in on, checked on the wire against the fake
// provider (real HTTP, real SDKs): Twilio WhatsApp / RCS / Messenger with the address prefix
// restored, Vonage Messages with the channel and the message type of each media kind,
// WhatsApp templates, the 24-hour refusal, and MMS.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const rt = require('../../support/runtime');
const { twilioSignature } = require('../../support/sign');

const SID = 'AC00000000000000000000000000000002';
const TOKEN = 'twilio-token-channels';
const TEMPLATE_SID = `HX${'a'.repeat(32)}`;

/** sms in → (set msg props) → sms reply → out; failures reach `caught`. */
function flow({ provider, account, text = '', media = '', set = {}, replyTimeout = 10 }) {
  const rules = Object.entries(set).map(([p, to]) => ({ t: 'set', p, pt: 'msg', to: JSON.stringify(to), tot: 'json' }));
  return [
    { id: 'tab', type: 'tab', label: 'channels' },
    { id: 'acct', type: 'sms account', name: 'main', provider, ...account },
    { id: 'in', type: 'sms in', z: 'tab', x: 0, y: 0, account: 'acct', provider: 'auto', path: '/ch/in', replyTimeout, wires: [['set']] },
    { id: 'set', type: 'change', z: 'tab', x: 0, y: 0, rules, wires: [['reply']] },
    { id: 'reply', type: 'sms reply', z: 'tab', x: 0, y: 0, text, media, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', x: 0, y: 0, scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}

function twilioInbound(from, to, extra = {}) {
  const sid = `SM${crypto.randomBytes(16).toString('hex')}`;
  return { MessageSid: sid, SmsSid: sid, AccountSid: SID, From: from, To: to, Body: 'menu', NumMedia: '0', ...extra };
}

function vonageInbound(channel, from, to, extra = {}) {
  return { channel, message_type: 'text', message_uuid: crypto.randomUUID(), to, from, text: 'menu', timestamp: new Date().toISOString(), ...extra };
}

describe('sms reply on every channel (on the wire)', function () {
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });

  describe('Twilio', function () {
    const account = (fakeUrl) => ({ apiHost: fakeUrl });
    const WA_FROM = 'whatsapp:+447700900001';
    const WA_TO = 'whatsapp:+14155238886';

    async function load(opts) {
      const loaded = await rt.load(flow({ provider: 'twilio', account: account(fake.url), ...opts }), { acct: { accountSid: SID, authToken: TOKEN } });
      return { ...loaded, out: rt.collector('out'), caught: rt.collector('caught') };
    }
    // Signed as Twilio signs, since the account holds the auth token.
    async function post(url, params) {
      return rt.postForm(url, params, { 'X-Twilio-Signature': twilioSignature(TOKEN, url, params) });
    }

    it('answers WhatsApp in TwiML, one media item per <Message> (WhatsApp takes one), the text with the first', async function () {
      const { url, out } = await load({ text: 'Our menu', set: { media: ['https://example.com/menu.jpg', 'https://example.com/menu.pdf'] } });
      const res = await post(url('/ch/in'), twilioInbound(WA_FROM, WA_TO));
      assert.match(res.text, /<Message><Body>Our menu<\/Body><Media>https:\/\/example.com\/menu.jpg<\/Media><\/Message><Message><Media>https:\/\/example.com\/menu.pdf<\/Media><\/Message>/);
      await out.next();
      assert.equal(fake.requests.length, 0);
    });

    it('keeps several <Media> in one MMS <Message>', async function () {
      const { url, out } = await load({ text: 'Pictures', set: { media: ['https://example.com/a.jpg', 'https://example.com/b.gif', 'https://example.com/c.png'] } });
      const res = await post(url('/ch/in'), twilioInbound('+14155550100', '+14155550199', { NumMedia: '1', MediaUrl0: 'https://example.com/in.jpg', MediaContentType0: 'image/jpeg' }));
      assert.match(res.text, /<Message><Body>Pictures<\/Body><Media>https:\/\/example.com\/a.jpg<\/Media><Media>https:\/\/example.com\/b.gif<\/Media><Media>https:\/\/example.com\/c.png<\/Media><\/Message>/);
      await out.next();
    });

    it('refuses more than 10 media with a sentence, before anything is sent', async function () {
      const media = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.jpg`);
      const { url, caught } = await load({ text: 'Too many', set: { media }, replyTimeout: 1 });
      await post(url('/ch/in'), twilioInbound('+14155550100', '+14155550199'));
      const err = await caught.next();
      assert.match(err.error.message, /at most 10 media/);
    });

    it('sends a late WhatsApp reply through the REST API with the whatsapp: prefix restored on both numbers', async function () {
      const wait = { id: 'wait', type: 'function', z: 'tab', x: 0, y: 0, func: 'setTimeout(() => node.send(msg), 500); return null;', outputs: 1, wires: [['reply']] };
      const f = flow({ provider: 'twilio', account: account(fake.url), text: 'Sorry for the wait', replyTimeout: 0.2 });
      f.find((node) => node.id === 'set').wires = [['wait']];
      f.push(wait);
      const { url } = await rt.load(f, { acct: { accountSid: SID, authToken: TOKEN } });
      const out = rt.collector('out');
      await post(url('/ch/in'), twilioInbound(WA_FROM, WA_TO));
      const msg = await out.next(4000);
      assert.deepEqual([fake.requests[0].body.From, fake.requests[0].body.To, fake.requests[0].body.Body], [WA_TO, WA_FROM, 'Sorry for the wait']);
      assert.equal(msg.sms.from, '+447700900001', 'msg.sms itself has no prefix');
    });

    it('sends a WhatsApp template (msg.template) through the REST API with ContentSid and ContentVariables, and answers the webhook empty', async function () {
      const { url, out } = await load({ set: { template: { contentSid: TEMPLATE_SID, variables: { 1: '12/1', 2: '3pm' } } } });
      const res = await post(url('/ch/in'), twilioInbound(WA_FROM, WA_TO));
      assert.match(res.text, /<Response\/>/, 'TwiML cannot carry a template');
      const msg = await out.next(4000);
      const sent = fake.requests[0].body;
      assert.equal(sent.ContentSid, TEMPLATE_SID);
      assert.deepEqual(JSON.parse(sent.ContentVariables), { 1: '12/1', 2: '3pm' });
      assert.equal('Body' in sent, false);
      assert.deepEqual([sent.From, sent.To], [WA_TO, WA_FROM]);
      assert.match(msg.sms.reply.messageId, /^SM/);
    });

    it('turns Twilio 63016 (outside the 24-hour window) into a sentence that says to send a template', async function () {
      const { url, caught } = await load({ set: { template: { contentSid: TEMPLATE_SID } } });
      fake.script('twilio', { status: 400, body: { code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.', status: 400 } });
      await post(url('/ch/in'), twilioInbound(WA_FROM, WA_TO));
      const err = await caught.next(4000);
      assert.match(err.error.message, /error 63016/);
      assert.match(err.error.message, /24 hours.*template/);
    });

    it('refuses a template without a Content SID with a sentence', async function () {
      const { url, caught } = await load({ set: { template: { name: 'booking' } } });
      await post(url('/ch/in'), twilioInbound(WA_FROM, WA_TO));
      const err = await caught.next(4000);
      assert.match(err.error.message, /contentSid/);
      assert.equal(fake.requests.length, 0);
    });

    it('says a template needs the REST API credentials when the account has no Account SID', async function () {
      const loaded = await rt.load(flow({ provider: 'twilio', account: account(fake.url), set: { template: { contentSid: TEMPLATE_SID } } }), { acct: { authToken: TOKEN } });
      const caught = rt.collector('caught');
      const res = await post(loaded.url('/ch/in'), twilioInbound(WA_FROM, WA_TO));
      assert.match(res.text, /<Response\/>/);
      const err = await caught.next(4000);
      assert.match(err.error.message, /template \(msg.template\) cannot go in the TwiML answer.*Account SID/);
      assert.equal(fake.requests.length, 0);
    });

    it('restores rcs: and messenger: prefixes on REST replies, ids as sent', async function () {
      for (const [from, to] of [['rcs:+447700900001', 'rcs:acme_agent'], ['messenger:2417913668336312', 'messenger:104218418924718']]) {
        fake.reset();
        const { url, out } = await load({ set: { template: { contentSid: TEMPLATE_SID } } });
        await post(url('/ch/in'), twilioInbound(from, to));
        await out.next(4000);
        assert.deepEqual([fake.requests[0].body.From, fake.requests[0].body.To], [to, from]);
        await rt.unload();
      }
    });
  });

  describe('Vonage Messages API', function () {
    const creds = { acct: { apiKey: 'key1', apiSecret: 'secret1' } };
    async function load(opts) {
      const loaded = await rt.load(flow({ provider: 'vonage', account: { apiHost: fake.url }, ...opts }), creds);
      return { ...loaded, out: rt.collector('out'), caught: rt.collector('caught') };
    }
    const sent = () => fake.requests.map((r) => r.body);

    it('replies on WhatsApp with a text message on the whatsapp channel', async function () {
      const { url, out } = await load({ text: 'Hi {{sms.profile.name}}' });
      await rt.postJson(url('/ch/in'), vonageInbound('whatsapp', '447700900001', '447700900000', { profile: { name: 'Jane' } }));
      await out.next(4000);
      assert.deepEqual(sent().map((b) => [b.channel, b.message_type, b.to, b.from, b.text]), [['whatsapp', 'text', '447700900001', '447700900000', 'Hi Jane']]);
    });

    it('sends each media URL with the message type of its kind: image with the caption, audio after the text, video, file', async function () {
      const { url, out } = await load({ text: 'Here', set: { media: ['https://example.com/voice.ogg', 'https://example.com/a.png', 'https://example.com/clip.mp4', 'https://example.com/menu.pdf'] } });
      await rt.postJson(url('/ch/in'), vonageInbound('whatsapp', '447700900001', '447700900000'));
      await out.next(4000);
      assert.deepEqual(
        sent().map((b) => [b.channel, b.message_type, b[b.message_type]]),
        [
          ['whatsapp', 'text', 'Here'],
          ['whatsapp', 'audio', { url: 'https://example.com/voice.ogg' }],
          ['whatsapp', 'image', { url: 'https://example.com/a.png' }],
          ['whatsapp', 'video', { url: 'https://example.com/clip.mp4' }],
          ['whatsapp', 'file', { url: 'https://example.com/menu.pdf' }],
        ],
      );
      fake.reset();
    });

    it('answers Messenger to the Messenger id as sent, Viber from the service id, RCS from the agent (audio there as a file)', async function () {
      const cases = [
        ['messenger', '1234567890123456', '9876543210987', 'https://example.com/a.mp3', 'audio'],
        ['viber_service', '447700900001', '16273849', 'https://example.com/a.mp4', 'file'],
        ['rcs', '447700900001', 'VonageAgent', 'https://example.com/a.mp3', 'file'],
      ];
      for (const [channel, from, to, media, type] of cases) {
        fake.reset();
        const { url, out } = await load({ set: { media, payload: '' } });
        await rt.postJson(url('/ch/in'), vonageInbound(channel, from, to));
        const msg = await out.next(4000);
        assert.deepEqual(sent().map((b) => [b.channel, b.message_type, b.to, b.from]), [[channel, type, from, to]], channel);
        assert.equal(msg.sms.from, channel === 'messenger' ? from : `+${from}`);
        await rt.unload();
      }
    });

    it('answers an MMS on the mms channel', async function () {
      const { url, out } = await load({ text: 'Got it', media: 'https://example.com/thanks.gif' });
      await rt.postJson(url('/ch/in'), vonageInbound('mms', '14155550101', '14155550100', { message_type: 'image', image: { url: 'https://example.com/in.jpg' } }));
      await out.next(4000);
      assert.deepEqual(sent().map((b) => [b.channel, b.message_type, b.image]), [['mms', 'image', { url: 'https://example.com/thanks.gif', caption: 'Got it' }]]);
    });

    it('sends a WhatsApp template (name, language, parameters) and a custom one', async function () {
      const { url, out } = await load({ set: { template: { name: 'appointment_reminder', language: 'en_GB', parameters: ['Jane', '3pm'] } } });
      await rt.postJson(url('/ch/in'), vonageInbound('whatsapp', '447700900001', '447700900000'));
      await out.next(4000);
      const body = sent()[0];
      assert.deepEqual([body.channel, body.message_type, body.template, body.whatsapp], ['whatsapp', 'template', { name: 'appointment_reminder', parameters: ['Jane', '3pm'] }, { policy: 'deterministic', locale: 'en_GB' }]);
      await rt.unload();

      fake.reset();
      const custom = { type: 'template', template: { name: 'menu', language: { policy: 'deterministic', code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Jane' }] }] } };
      const second = await load({ set: { template: { custom } } });
      await rt.postJson(second.url('/ch/in'), vonageInbound('whatsapp', '447700900001', '447700900000'));
      await second.out.next(4000);
      assert.deepEqual([sent()[0].message_type, sent()[0].custom], ['custom', custom], 'custom is passed through unchanged');
    });

    it('turns the outside-the-window refusal (1340) into a sentence that says to send a template', async function () {
      const { url, caught } = await load({ text: 'Hello again' });
      fake.script('vonage-messages', { status: 422, body: { type: 'https://developer.vonage.com/api-errors/messages#1340', title: 'Outside of the allowed window', detail: 'This message is sent outside of allowed response window.' } });
      await rt.postJson(url('/ch/in'), vonageInbound('whatsapp', '447700900001', '447700900000'));
      const err = await caught.next(4000);
      assert.match(err.error.message, /HTTP 422 Outside of the allowed window/);
      assert.match(err.error.message, /24 hours.*template/);
    });

    it('refuses a template on the Vonage SMS API, sending nothing', async function () {
      const f = flow({ provider: 'vonage', account: { apiHost: fake.url }, set: { template: { name: 'x', language: 'en' } } });
      f.find((node) => node.id === 'in').provider = 'vonage-sms';
      const { url } = await rt.load(f, creds);
      const caught = rt.collector('caught');
      await rt.postForm(url('/ch/in'), { msisdn: '447700900001', to: '447700900000', messageId: `0A${Date.now()}`, text: 'hi', type: 'text' });
      const err = await caught.next(4000);
      assert.match(err.error.message, /WhatsApp template, and this message came in on sms/);
      assert.equal(fake.requests.length, 0);
    });

    it('refuses a template on a channel that is not WhatsApp, sending nothing', async function () {
      const { url, caught } = await load({ set: { template: { name: 'x', language: 'en' } } });
      await rt.postJson(url('/ch/in'), vonageInbound('sms', '447700900001', '447700900000'));
      const err = await caught.next(4000);
      assert.match(err.error.message, /WhatsApp template, and this message came in on sms/);
      assert.equal(fake.requests.length, 0);
    });
  });
});
