'use strict';
// The open questions of sms ask in the SMS simulator's admin routes: listed with who is asked
// what by which node, and answered as the person through a simulated message.
const assert = require('node:assert/strict');
const rt = require('../../support/runtime');
const { exampleOnTab } = require('../../../scripts/lib/node-red-home');

describe('SMS simulator: open questions', function () {
  rt.useFakeProvider(() => undefined);

  it('lists the question the survey asks, and an answer as the person leads to the next one', async function () {
    const flow = exampleOnTab('10 Three-question survey', { id: 'tab', label: 'survey' });
    await rt.load(flow);
    const inId = flow.find((n) => n.type === 'sms in').id;
    const person = `+1555${String(Date.now()).slice(-7)}`;
    const ours = '+15557650002';
    const admin = () => rt.helper.request();

    const none = await admin().get('/sms-simulator/questions').expect(200);
    assert.equal(none.body.questions.filter((q) => q.person === person).length, 0);

    const first = await admin().post('/sms-simulator/send').send({ node: inId, from: person, to: ours, text: 'hi', provider: 'twilio' }).expect(200);
    assert.deepEqual(first.body.replies.map((r) => r.text), ['Thanks for taking our survey! 1/3: How did you hear about us?']);
    let listed = (await admin().get('/sms-simulator/questions').expect(200)).body.questions.filter((q) => q.person === person);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].text, 'Thanks for taking our survey! 1/3: How did you hear about us?');
    assert.equal(listed[0].ours, ours);
    assert.equal(listed[0].nodeName, 'question 1');
    assert.ok(Date.parse(listed[0].dueAt) > Date.now());

    // What the sidebar's Answer button sends: the person's message to our number.
    const answer = await admin().post('/sms-simulator/send').send({ node: inId, from: listed[0].person, to: listed[0].ours, text: 'A friend', provider: 'twilio' }).expect(200);
    assert.deepEqual(answer.body.replies.map((r) => r.text), ['2/3: How would you rate us, from 1 to 5?']);
    listed = (await admin().get('/sms-simulator/questions').expect(200)).body.questions.filter((q) => q.person === person);
    assert.deepEqual(listed.map((q) => q.nodeName), ['question 2']);
  });
});
