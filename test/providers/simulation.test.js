'use strict';
// What the simulator sends must be exactly what the provider modules accept: each built
// webhook goes through the same verify + parse as a real one, and a changed one fails.
const assert = require('node:assert/strict');
const { readTwiml } = require('../../dist/providers/twilio/twiml-read');
const { buildTwiml } = require('../../dist/providers/twilio/reply');
const { PROVIDERS } = require('../../dist/providers');
const { formRequest, jsonRequest } = require('../support/webhook-request');

const buildInbound = (provider, sms, ctx) => PROVIDERS[provider].simulate.inbound(sms, ctx);
const buildReceipt = (provider, receipt, ctx) => PROVIDERS[provider].simulate.receipt(receipt, ctx);
const newMessageId = (provider) => PROVIDERS[provider].simulate.newMessageId();

const URL = 'https://abc.example.app/sms/in';
const SECRETS = {
  twilio: { authToken: 'token-123' },
  'vonage-sms': { signatureSecret: 'sms-secret', signatureMethod: 'sha256' },
  'vonage-messages': { signatureSecret: 'messages-secret' },
};

/** The built webhook as the endpoint would hand it to a provider module. */
function asRequest(webhook) {
  const headers = { ...webhook.headers };
  if (headers['content-type'] === 'application/json') return jsonRequest(URL, webhook.body, headers);
  return formRequest(URL, Object.fromEntries(new URLSearchParams(webhook.body)), headers);
}

describe('simulated webhooks', function () {
  for (const provider of Object.keys(PROVIDERS)) {
    describe(provider, function () {
      const module = PROVIDERS[provider];
      const ctx = { secrets: SECRETS[provider], url: URL };

      it('builds an inbound message the provider module recognizes, verifies and parses', function () {
        const messageId = newMessageId(provider);
        const req = asRequest(buildInbound(provider, { messageId, from: '+15551230001', to: '+15557650002', text: 'Help me & you' }, ctx));
        assert.equal(module.recognizes(req, 'inbound'), true);
        assert.deepEqual(module.verify(req, ctx.secrets), { checked: true, ok: true });
        const parsed = module.parseInbound(req);
        assert.equal(parsed.ok, true);
        assert.equal(parsed.value.messageId, messageId);
        assert.equal(parsed.value.from, '+15551230001');
        assert.equal(parsed.value.to, '+15557650002');
        assert.equal(parsed.value.text, 'Help me & you');
        assert.equal(parsed.value.keyword, 'HELP');
      });

      it('a message changed after signing, or signed with another secret, fails verification', function () {
        const webhook = buildInbound(provider, { messageId: newMessageId(provider), from: '+15551230001', to: '+15557650002', text: 'HELP' }, ctx);
        const changed = { ...webhook, body: webhook.body.replace('HELP', 'STOP') };
        assert.equal(module.verify(asRequest(changed), ctx.secrets).ok, false);
        const otherSecret = Object.fromEntries(Object.entries(ctx.secrets).map(([k, v]) => [k, k === 'signatureMethod' ? v : `${v}-other`]));
        assert.equal(module.verify(asRequest(webhook), otherSecret).ok, false);
      });

      it('without a secret sends no signature', function () {
        const webhook = buildInbound(provider, { messageId: 'M1', from: '+15551230001', to: '+15557650002', text: 'HI' }, { secrets: {}, url: URL });
        assert.equal(webhook.headers['x-twilio-signature'], undefined);
        assert.equal(webhook.headers.authorization, undefined);
        assert.doesNotMatch(webhook.body, /sig=/);
      });

      for (const [outcome, state] of [['delivered', 'delivered'], ['undelivered', 'undelivered'], ['failed', 'failed']]) {
        it(`builds a ${outcome} receipt that parses to state ${state}, signed`, function () {
          const req = asRequest(buildReceipt(provider, { messageId: 'R1', to: '+15551230001', from: '+15557650002', outcome }, ctx));
          assert.equal(module.recognizes(req, 'status'), true);
          assert.deepEqual(module.verify(req, ctx.secrets), { checked: true, ok: true });
          const parsed = module.parseStatus(req);
          assert.equal(parsed.ok, true);
          assert.equal(parsed.value.state, state);
          assert.equal(parsed.value.messageId, 'R1');
          assert.equal(parsed.value.to, '+15551230001');
          assert.equal(parsed.value.errorCode === undefined, outcome === 'delivered');
        });
      }
    });
  }
});

describe('readTwiml', function () {
  it('reads back what sms reply writes: text with XML characters, and media', function () {
    assert.deepEqual(readTwiml(buildTwiml({ text: 'Tom & Jerry <3 "quotes" 😀', media: [] })), [{ text: 'Tom & Jerry <3 "quotes" 😀', media: [] }]);
    assert.deepEqual(readTwiml(buildTwiml({ text: 'Look', media: ['https://x.test/a.png?x=1&y=2', 'https://x.test/b.png'] })), [
      { text: 'Look', media: ['https://x.test/a.png?x=1&y=2', 'https://x.test/b.png'] },
    ]);
    assert.deepEqual(readTwiml(buildTwiml({ text: '', media: ['https://x.test/a.png'] })), [{ text: '', media: ['https://x.test/a.png'] }]);
  });

  it('reads an empty <Response/> as no message', function () {
    assert.deepEqual(readTwiml(buildTwiml({ text: '', media: [] })), []);
  });
});

describe('simulated Twilio webhooks name the account', function () {
  it("carry the account's own AccountSid, taken by the provider from the account's credentials", function () {
    const accountSid = 'AC00000000000000000000000000000042';
    const ctx = { secrets: SECRETS.twilio, credentials: { accountSid: ` ${accountSid} `, authToken: 'token-123' }, url: URL };
    const inbound = new URLSearchParams(buildInbound('twilio', { messageId: 'SM1', from: '+15551230001', to: '+15557650002', text: 'hi' }, ctx).body);
    assert.equal(inbound.get('AccountSid'), accountSid);
    const receipt = new URLSearchParams(buildReceipt('twilio', { messageId: 'SM1', to: '+15551230001', from: '+15557650002', outcome: 'delivered' }, ctx).body);
    assert.equal(receipt.get('AccountSid'), accountSid);
  });
});

describe('simulated Vonage Messages API webhooks name the account', function () {
  it("carry the account's API key in the token, so the checked signature names the opt-out list", function () {
    const module = PROVIDERS['vonage-messages'];
    const ctx = { secrets: SECRETS['vonage-messages'], credentials: { apiKey: ' abcd1234 ' }, url: URL };
    const stop = asRequest(buildInbound('vonage-messages', { messageId: newMessageId('vonage-messages'), from: '+15551230001', to: '+15557650002', text: 'STOP' }, ctx));
    assert.deepEqual(module.verify(stop, ctx.secrets), { checked: true, ok: true, signer: 'abcd1234' });
    const receipt = asRequest(buildReceipt('vonage-messages', { messageId: 'M1', to: '+15551230001', from: '+15557650002', outcome: 'delivered' }, ctx));
    assert.equal(module.verify(receipt, ctx.secrets).signer, 'abcd1234');
  });
});
