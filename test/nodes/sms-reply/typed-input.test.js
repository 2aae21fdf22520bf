'use strict';
// sms reply's Text and Media URL taken from msg / flow / env (TypedInput), with flows saved
// before those settings existed still replying from their template.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');

let n = 0;
const inbound = (body) => ({ MessageSid: `SMtyped${Date.now()}${++n}`, From: '+15551230001', To: '+15557650002', Body: body });

/** sms in (Twilio, no account) → change (sets msg.answer, flow.picture) → sms reply. */
function flow(reply) {
  return [
    { id: 'tab', type: 'tab', label: 'typed' },
    { id: 'in', type: 'sms in', z: 'tab', provider: 'twilio', path: '/sms/typed', replyTimeout: 1, wires: [['set']] },
    {
      id: 'set',
      type: 'change',
      z: 'tab',
      rules: [
        { t: 'set', p: 'answer', pt: 'msg', to: 'Open 9 to 5 & on Sundays', tot: 'str' },
        { t: 'set', p: 'picture', pt: 'flow', to: '["https://example.com/a.png","https://example.com/b.png"]', tot: 'json' },
        { t: 'set', p: 'shape', pt: 'msg', to: '{"not":"text"}', tot: 'json' },
      ],
      wires: [['reply']],
    },
    { id: 'reply', type: 'sms reply', z: 'tab', ...reply, wires: [[]] },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}

describe('sms reply: Text and Media URL from msg, flow, global or env', function () {
  after(() => rt.stopServer());
  afterEach(() => rt.unload());

  it('takes the text from a msg property and the media list from flow context', async function () {
    const { url } = await rt.load(flow({ text: 'answer', textType: 'msg', media: 'picture', mediaType: 'flow' }));
    const res = await rt.postForm(url('/sms/typed'), inbound('HOURS'));
    assert.equal(res.status, 200);
    assert.match(res.text, /<Body>Open 9 to 5 &amp; on Sundays<\/Body>/);
    assert.match(res.text, /<Media>https:\/\/example.com\/a.png<\/Media><Media>https:\/\/example.com\/b.png<\/Media>/);
  });

  it('takes the text from an environment variable', async function () {
    process.env.SMS_REPLY_TEST_TEXT = 'From the environment';
    try {
      const { url } = await rt.load(flow({ text: 'SMS_REPLY_TEST_TEXT', textType: 'env' }));
      const res = await rt.postForm(url('/sms/typed'), inbound('HOURS'));
      assert.match(res.text, /<Message>From the environment<\/Message>/);
    } finally {
      delete process.env.SMS_REPLY_TEST_TEXT;
    }
  });

  it('without textType (flows saved before it existed) Text is still a template', async function () {
    const { url } = await rt.load(flow({ text: 'Hi {{sms.from}}: {{answer}}' }));
    const res = await rt.postForm(url('/sms/typed'), inbound('HOURS'));
    assert.match(res.text, /<Message>Hi \+15551230001: Open 9 to 5 &amp; on Sundays<\/Message>/);
  });

  it('a property that is not text fails with a sentence a Catch node sees', async function () {
    const { url } = await rt.load(flow({ text: 'shape', textType: 'msg' }));
    const caught = rt.collector('caught');
    const res = await rt.postForm(url('/sms/typed'), inbound('HOURS'));
    const msg = await caught.next();
    assert.match(msg.error.message, /msg\.shape must be the reply text/);
    // Twilio still gets its answer: empty TwiML once the reply window closes.
    assert.equal(res.status, 200);
    assert.match(res.text, /<Response\/>/);
  });
});
