'use strict';
// When the flow has finished with a message (the inbox entry is removed), driven by the hook
// events Node-RED 4.1 and 5.0 emit (nodes/Node.js _emitInput → onReceive {msg, destination:{id,node}};
// Node.send → onSend [{msg, source:{id,node,port}}]; done() → _complete → onComplete {msg, node}).
// Each case failed on a tracker that finished the message while a node still held it.
const assert = require('node:assert/strict');
const { installInboxHooks, sendTracked } = require('../../dist/runtime/inbox-tracker');

const hooks = {};
installInboxHooks({ hooks: { add: (name, fn) => (hooks[name.split('.')[0]] = fn) } });

const send = (msg, from) => hooks.onSend([{ msg, source: { id: from, node: {}, port: 0 } }]);
const receive = (msg, id, node) => hooks.onReceive({ msg, destination: { id, node } });
const complete = (msg, id) => hooks.onComplete({ msg, node: { id, node: {} } });
// A node whose input handler does not declare `done` (length < 3) — Node-RED counts 0 expected dones.
const legacy = { type: 'switch', _expectedDoneCount: 0, _inputCallback: function (_msg) {} };
// A contrib node whose handler is written (...args) (or with a default for done): it calls done.
const restArgs = { type: 'some-contrib-node', _expectedDoneCount: 0, _inputCallback: function (..._args) {} };
const reporting = { _expectedDoneCount: 1, _inputCallback: function (_msg, _send, _done) {} };

describe('inbox tracker: nodes that never report done', function () {
  it('a node whose handler is written (...args) or (msg, send, done = noop) but calls done(): not finished before the node after it completes', function () {
    const msg = { _msgid: 'm1' };
    let finished = false;
    sendTracked(msg, 'inbox-1', true, (m) => send(m, 'in'), () => (finished = true));
    receive(msg, 'L', restArgs); // Node-RED still passes done, and fires onComplete when it is called
    send(msg, 'L'); // L → D
    complete(msg, 'L'); // L's done(): onComplete from L
    receive(msg, 'D', reporting); // D is still working on it
    assert.equal(finished, false, 'removed from the inbox while D still has the message');
    complete(msg, 'D');
    assert.equal(finished, true);
  });

  it('a switch that receives the same message twice (two paths into it) before passing the first on: not finished while the second waits in its queue', function () {
    const msg = { _msgid: 'm2' };
    let finished = false;
    // sms in → S and sms in → C → S, delivered back to back (or any async switch rule).
    sendTracked(msg, 'inbox-2', true, (m) => hooks.onSend([{ msg: m, source: { id: 'in' } }, { msg: m, source: { id: 'in' } }]), () => (finished = true));
    receive(msg, 'S', legacy); // copy 1, queued behind nothing
    receive(msg, 'S', legacy); // copy 2, queued in the switch
    send(msg, 'S'); // copy 1 passed on to D
    receive(msg, 'D', reporting);
    complete(msg, 'D'); // D finished copy 1
    assert.equal(finished, false, 'removed from the inbox while copy 2 is still queued in the switch');
    send(msg, 'S'); // copy 2 passed on
    complete(msg, 'D');
    assert.equal(finished, true);
  });
});
