'use strict';
const assert = require('node:assert/strict');
const { MultipartAssembler, DEFAULT_LIMITS, combineParts } = require('../../dist/sms/multipart');

let seq = 0;
function part(ref, n, total, text, from = '+447700900001') {
  return {
    provider: 'vonage-sms',
    messageId: `id-${++seq}`,
    from,
    to: '+447700900002',
    text,
    keyword: '',
    media: [],
    segments: total,
    channel: 'sms',
    timestamp: '2024-05-01T10:11:12.000Z',
    raw: { 'concat-part': String(n), text },
    concat: { ref, total, part: n },
  };
}

function collect(limits) {
  const emitted = [];
  const assembler = new MultipartAssembler((sms) => emitted.push(sms), { ...DEFAULT_LIMITS, ...limits });
  return { emitted, assembler };
}

describe('MultipartAssembler', function () {
  it('emits one message in part order once every part has arrived, whatever the arrival order', function () {
    const { emitted, assembler } = collect();
    assembler.add(part('r1', 3, 3, 'C'), 0);
    assembler.add(part('r1', 1, 3, 'A'), 1);
    assert.equal(emitted.length, 0);
    assembler.add(part('r1', 2, 3, 'B'), 2);
    assert.equal(emitted.length, 1);
    const [msg] = emitted;
    assert.equal(msg.text, 'ABC');
    assert.equal(msg.segments, 3);
    assert.equal(msg.incomplete, undefined);
    assert.equal('concat' in msg, false);
    assert.deepEqual(
      msg.raw.map((r) => r['concat-part']),
      ['1', '2', '3'],
    );
    assert.equal(assembler.groupCount, 0);
    assert.equal(assembler.heldBytes, 0);
    assembler.stop();
  });

  it('recomputes keyword and opt-out over the whole text', function () {
    const { emitted, assembler } = collect();
    assembler.add(part('k', 2, 2, 'P!'), 0);
    assembler.add(part('k', 1, 2, ' sTo'), 0);
    assert.equal(emitted[0].text, ' sToP!');
    assert.equal(emitted[0].keyword, 'STOP');
    assert.equal(emitted[0].optOut, 'stop');
    assembler.stop();
  });

  it('ignores a second copy of a part it already holds', function () {
    const { emitted, assembler } = collect();
    assembler.add(part('d', 1, 2, 'one '), 0);
    assembler.add(part('d', 1, 2, 'one again '), 0);
    assert.equal(assembler.groupCount, 1);
    assembler.add(part('d', 2, 2, 'two'), 0);
    assert.deepEqual(
      emitted.map((m) => m.text),
      ['one two'],
    );
    assembler.stop();
  });

  it('keeps groups apart by sender, recipient and reference', function () {
    const { emitted, assembler } = collect();
    assembler.add(part('x', 1, 2, 'a1 ', '+1'), 0);
    assembler.add(part('x', 1, 2, 'b1 ', '+2'), 0);
    assembler.add(part('y', 1, 2, 'c1 ', '+1'), 0);
    assert.equal(assembler.groupCount, 3);
    assembler.add(part('x', 2, 2, 'b2', '+2'), 0);
    assert.deepEqual(
      emitted.map((m) => m.text),
      ['b1 b2'],
    );
    assembler.flush();
  });

  it('passes a message without concat straight through', function () {
    const { emitted, assembler } = collect();
    const single = { ...part('s', 1, 1, 'hi') };
    delete single.concat;
    assembler.add(single);
    assert.equal(emitted[0], single);
    assert.equal(assembler.groupCount, 0);
  });

  it('expire(now) emits groups older than the expiry, incomplete, and keeps younger ones', function () {
    const { emitted, assembler } = collect({ expiryMs: 1000 });
    assembler.add(part('old', 1, 3, 'first '), 0);
    assembler.add(part('old', 3, 3, 'third'), 10);
    assembler.add(part('new', 1, 2, 'young'), 900);
    assembler.expire(999);
    assert.equal(emitted.length, 0);
    assembler.expire(1000);
    assert.equal(emitted.length, 1);
    assert.equal(emitted[0].text, 'first third');
    assert.equal(emitted[0].incomplete, true);
    assert.equal(emitted[0].segments, 3);
    assert.equal(assembler.groupCount, 1);
    assembler.flush();
    assert.equal(emitted[1].text, 'young');
    assert.equal(emitted[1].incomplete, true);
  });

  it('expires on its own timer', async function () {
    const { emitted, assembler } = collect({ expiryMs: 50 });
    assembler.add(part('t', 1, 2, 'lonely'));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(emitted.length, 1);
    assert.equal(emitted[0].incomplete, true);
    assert.equal(assembler.groupCount, 0);
  });

  it('a flood of never-completed groups stays under the group cap; the oldest go out incomplete', function () {
    const { emitted, assembler } = collect({ maxGroups: 100, expiryMs: 3_600_000 });
    for (let i = 0; i < 5000; i++) {
      assembler.add(part(`flood-${i}`, 1, 2, `part one of ${i}`), i);
      assert.ok(assembler.groupCount <= 100);
    }
    assert.equal(assembler.groupCount, 100);
    assert.equal(emitted.length, 4900, 'every group pushed out was emitted');
    assert.ok(emitted.every((m) => m.incomplete === true));
    assert.equal(emitted[0].text, 'part one of 0', 'oldest first');
    assembler.flush();
    assert.equal(emitted.length, 5000, 'nothing silently dropped');
    assert.equal(assembler.heldBytes, 0);
  });

  it('a flood stays under the byte cap', function () {
    const { emitted, assembler } = collect({ maxBytes: 20_000, expiryMs: 3_600_000 });
    const text = 'x'.repeat(150);
    for (let i = 0; i < 5000; i++) {
      assembler.add(part(`bytes-${i}`, 1, 3, text), i);
      assert.ok(assembler.heldBytes <= 20_000, `held ${assembler.heldBytes} bytes`);
    }
    assert.ok(assembler.groupCount > 10);
    assert.equal(emitted.length + assembler.groupCount, 5000);
    assembler.flush();
    assert.equal(emitted.length, 5000);
  });

  it('the default limits are bounded', function () {
    assert.ok(DEFAULT_LIMITS.maxGroups > 0 && DEFAULT_LIMITS.maxGroups <= 10_000);
    assert.ok(DEFAULT_LIMITS.maxBytes > 0 && DEFAULT_LIMITS.maxBytes <= 64 * 1024 * 1024);
    assert.ok(DEFAULT_LIMITS.expiryMs > 0 && DEFAULT_LIMITS.expiryMs <= 24 * 3600_000);
  });

  it('setLimits applies to groups already held', function () {
    const { emitted, assembler } = collect({ maxGroups: 10, expiryMs: 3_600_000 });
    for (let i = 0; i < 10; i++) assembler.add(part(`lim-${i}`, 1, 2, 'x'), i);
    assembler.setLimits({ ...DEFAULT_LIMITS, maxGroups: 4, expiryMs: 3_600_000 });
    assert.equal(assembler.groupCount, 4);
    assert.equal(emitted.length, 6);
    assembler.flush();
  });

  it('combineParts keeps the first part’s identity and marks a gap', function () {
    const msg = combineParts([part('c', 2, 3, 'b'), part('c', 3, 3, 'c')], 3);
    assert.equal(msg.text, 'bc');
    assert.equal(msg.incomplete, true);
    assert.equal(msg.from, '+447700900001');
  });
});
