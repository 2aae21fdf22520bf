'use strict';
// The SMS simulator sends as WhatsApp: text, a shared location or a tapped menu choice, in
// Twilio's and the Vonage Messages API's WhatsApp webhook format, signed, to the WhatsApp
// examples; the replies come back to it and never reach the provider.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');
const { exampleOnTab } = require('../../../scripts/lib/node-red-home');

function exampleFlow(file, fakeUrl) {
  const flow = exampleOnTab(file, { id: 'tab', label: file }).map((n) => (n.type === 'sms account' ? { ...n, apiHost: fakeUrl } : n));
  return { flow, accountId: flow.find((n) => n.type === 'sms account').id, inId: flow.find((n) => n.type === 'sms in').id };
}

const admin = () => rt.helper.request();

describe('SMS simulator: WhatsApp', function () {
  let fake;
  rt.useFakeProvider((f) => {
    fake = f;
  });

  it('sends a menu choice and a location as Vonage WhatsApp webhooks, answered by the menu example', async function () {
    const { flow, accountId, inId } = exampleFlow('07 WhatsApp menu auto-responder - Vonage Messages API', fake.url);
    await rt.load(flow, { [accountId]: { apiKey: 'key', apiSecret: 'secret', signatureSecret: 'sim-secret' } });
    const choice = await admin().post('/sms-simulator/send').send({ node: inId, channel: 'whatsapp', text: 'Prices', choice: { id: 'price', title: 'Prices' } }).expect(200);
    assert.equal(choice.body.error, undefined);
    assert.deepEqual([choice.body.channel, choice.body.type, choice.body.signed], ['whatsapp', 'reply', true]);
    assert.match(choice.body.replies[0].text, /costs \$40/);
    const place = await admin().post('/sms-simulator/send').send({ node: inId, channel: 'whatsapp', location: { latitude: 51.5072, longitude: -0.1276, name: 'Office' } }).expect(200);
    assert.equal(place.body.type, 'location');
    assert.match(place.body.replies[0].text, /nearest shop/);
    assert.deepEqual(fake.requests, [], 'simulated replies never reach the provider');
  });

  it('sends Twilio WhatsApp (whatsapp: addresses) to the Twilio example and reads the TwiML reply', async function () {
    const { flow, accountId, inId } = exampleFlow('08 WhatsApp keyword auto-responder - Twilio', fake.url);
    await rt.load(flow, { [accountId]: { accountSid: 'AC00000000000000000000000000000042', authToken: 'sim-token' } });
    const res = await admin().post('/sms-simulator/send').send({ node: inId, channel: 'whatsapp', text: 'hours' }).expect(200);
    assert.equal(res.body.error, undefined);
    assert.deepEqual([res.body.provider, res.body.channel, res.body.type], ['twilio', 'whatsapp', 'text']);
    assert.equal(res.body.replies[0].text, 'We are open Monday to Friday, 9am to 6pm.');
    assert.equal(res.body.replies[0].to, '+15551230001', 'the conversation shows numbers without the prefix');
  });

  it('refuses WhatsApp in the Vonage SMS API format, a location on SMS, and a location out of range, each with a sentence', async function () {
    const flow = [
      { id: 'tab', type: 'tab', label: 'sim' },
      { id: 'in', type: 'sms in', z: 'tab', provider: 'vonage-sms', path: '/sim/vsms', wires: [[]] },
      { id: 'in2', type: 'sms in', z: 'tab', provider: 'twilio', path: '/sim/tw', wires: [[]] },
    ];
    await rt.load(flow);
    const sms = await admin().post('/sms-simulator/send').send({ node: 'in', channel: 'whatsapp', text: 'hi' }).expect(400);
    assert.match(sms.body.error, /vonage-sms webhooks carry sms only/);
    const onSms = await admin().post('/sms-simulator/send').send({ node: 'in2', location: { latitude: 1, longitude: 2 } }).expect(400);
    assert.match(onSms.body.error, /choose the WhatsApp channel/);
    const far = await admin().post('/sms-simulator/send').send({ node: 'in2', channel: 'whatsapp', location: { latitude: 100, longitude: 2 } }).expect(400);
    assert.match(far.body.error, /latitude \(-90 to 90\)/);
  });
});
