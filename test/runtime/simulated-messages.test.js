'use strict';
const assert = require('node:assert/strict');
const { SimulatedMessages, SIMULATION_HEADER } = require('../../dist/runtime/simulated-messages');

const withToken = (token) => ({ headers: { [SIMULATION_HEADER]: token } });

describe('SimulatedMessages', function () {
  it('counts a message as simulated only with its own id and its own token', function () {
    const sim = new SimulatedMessages();
    const a = sim.remember('twilio', 'SM1');
    const b = sim.remember('twilio', 'SM2');
    assert.equal(sim.isSimulated('twilio', 'SM1', withToken(a)), true);
    assert.equal(sim.isSimulated('twilio', 'SM1', withToken(b)), false, 'another message\'s token');
    assert.equal(sim.isSimulated('vonage-sms', 'SM1', withToken(a)), false, 'same id, other provider');
    assert.equal(sim.isSimulated('twilio', 'SM3', withToken(a)), false, 'an id never simulated');
    assert.equal(sim.isSimulated('twilio', 'SM1', { headers: {} }), false, 'no header');
    assert.equal(sim.isSimulated('twilio', 'SM1', undefined), false, 'no request');
    assert.equal(sim.isSimulated('twilio', 'SM1', withToken('zz')), false, 'not a token');
  });

  it('forgets after the TTL and stays bounded', function () {
    const sim = new SimulatedMessages(1000, 3);
    const first = sim.remember('twilio', 'SM1', 0);
    assert.equal(sim.isSimulated('twilio', 'SM1', withToken(first), 999), true);
    assert.equal(sim.isSimulated('twilio', 'SM1', withToken(first), 1000), false);
    const tokens = ['A', 'B', 'C', 'D'].map((id) => sim.remember('twilio', id, 2000));
    assert.equal(sim.size, 3);
    assert.equal(sim.isSimulated('twilio', 'A', withToken(tokens[0]), 2000), false, 'the oldest went first');
    assert.equal(sim.isSimulated('twilio', 'D', withToken(tokens[3]), 2000), true);
  });

  it('hands replies to every listener with an id of their own, until they unsubscribe', function () {
    const sim = new SimulatedMessages();
    const seen = [];
    const stop = sim.onReply((r) => seen.push(r));
    const id = sim.handOver({ inReplyTo: 'SM1', provider: 'twilio', to: '+1', from: '+2', text: 'hi', media: [], via: 'api' });
    stop();
    sim.handOver({ inReplyTo: 'SM1', provider: 'twilio', to: '+1', from: '+2', text: 'again', media: [], via: 'api' });
    assert.deepEqual(seen.map((r) => [r.messageId, r.text]), [[id, 'hi']]);
  });
});
