'use strict';
const assert = require('node:assert/strict');
const { canReachAnswer } = require('../../dist/runtime/reachability');

/** A stand-in for RED.nodes over a flow's node definitions. */
function red(defs) {
  const byId = new Map(defs.map((d) => [d.id, { wires: [], ...d }]));
  return {
    nodes: {
      getNode: (id) => byId.get(id) || null,
      eachNode: (cb) => defs.forEach(cb),
    },
  };
}

describe('canReachAnswer', function () {
  it('follows wires to an http response or sms reply', function () {
    const RED = red([
      { id: 'in', z: 't', type: 'sms in', wires: [['a']] },
      { id: 'a', z: 't', type: 'switch', wires: [['b'], ['c']] },
      { id: 'b', z: 't', type: 'debug' },
      { id: 'c', z: 't', type: 'sms reply' },
    ]);
    assert.equal(canReachAnswer(RED, [['a']], 'in'), true);
  });

  it('is false when nothing downstream answers, and survives loops', function () {
    const RED = red([
      { id: 'in', z: 't', type: 'sms in', wires: [['a']] },
      { id: 'a', z: 't', type: 'function', wires: [['b']] },
      { id: 'b', z: 't', type: 'delay', wires: [['a']] },
      { id: 'resp', z: 't', type: 'http response' },
    ]);
    assert.equal(canReachAnswer(RED, [['a']], 'in'), false);
    assert.equal(canReachAnswer(RED, [], 'in'), false);
  });

  it('assumes links and subflows may answer', function () {
    for (const type of ['link out', 'link call', 'subflow:abc']) {
      const RED = red([{ id: 'x', z: 't', type }]);
      assert.equal(canReachAnswer(RED, [['x']], 'in'), true, type);
    }
  });

  it('counts a catch or complete node watching a node on the path', function () {
    const base = [
      { id: 'in', z: 't', type: 'sms in', wires: [['fn']] },
      { id: 'fn', z: 't', type: 'function', wires: [[]] },
      { id: 'resp', z: 't', type: 'http response' },
    ];
    const scoped = red([...base, { id: 'c', z: 't', type: 'catch', scope: ['fn'], wires: [['resp']] }]);
    assert.equal(canReachAnswer(scoped, [['fn']], 'in'), true);
    const complete = red([...base, { id: 'c', z: 't', type: 'complete', scope: ['fn'], wires: [['resp']] }]);
    assert.equal(canReachAnswer(complete, [['fn']], 'in'), true);
    const wholeTab = red([...base, { id: 'c', z: 't', type: 'catch', scope: null, wires: [['resp']] }]);
    assert.equal(canReachAnswer(wholeTab, [['fn']], 'in'), true);
  });

  it('ignores watchers of other nodes or other tabs, and watchers that lead nowhere', function () {
    const base = [
      { id: 'in', z: 't', type: 'sms in', wires: [['fn']] },
      { id: 'fn', z: 't', type: 'function', wires: [[]] },
      { id: 'other', z: 't', type: 'function', wires: [[]] },
      { id: 'resp', z: 't2', type: 'http response' },
    ];
    assert.equal(canReachAnswer(red([...base, { id: 'c', z: 't', type: 'catch', scope: ['other'], wires: [['resp']] }]), [['fn']], 'in'), false);
    assert.equal(canReachAnswer(red([...base, { id: 'c', z: 't2', type: 'catch', scope: null, wires: [['resp']] }]), [['fn']], 'in'), false);
    assert.equal(canReachAnswer(red([...base, { id: 'c', z: 't', type: 'catch', scope: null, wires: [['other']] }]), [['fn']], 'in'), false);
    assert.equal(canReachAnswer(red([...base, { id: 's', z: 't', type: 'status', scope: null, wires: [['resp']] }]), [['fn']], 'in'), false);
  });

  it('works without eachNode (wires only)', function () {
    const RED = red([{ id: 'a', type: 'function' }]);
    delete RED.nodes.eachNode;
    assert.equal(canReachAnswer(RED, [['a']]), false);
  });
});
