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

  /** As sms in does: a part is held only when admitted (else answered 503 for Vonage to retry). */
  function offer(assembler, p, now) {
    if (!assembler.admits(p)) return false;
    assembler.add(p, now);
    return true;
  }

  it('past the group cap a part that would start a new group is refused; no held group is pushed out', function () {
    const { emitted, assembler } = collect({ maxGroups: 100, expiryMs: 3_600_000 });
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      if (!offer(assembler, part(`flood-${i}`, 1, 2, `part one of ${i}`, `+4477009${String(i).padStart(5, '0')}`), i)) refused += 1;
      assert.ok(assembler.groupCount <= 100);
    }
    assert.equal(assembler.groupCount, 100);
    assert.equal(refused, 4900);
    assert.equal(emitted.length, 0, 'nothing held was pushed out');
    // The second part of a held group still gets in and completes it.
    assert.equal(offer(assembler, part('flood-0', 2, 2, ' and two', '+447700900000'), 5000), true);
    assert.deepEqual(emitted.map((m) => [m.text, m.incomplete]), [['part one of 0 and two', undefined]]);
    assembler.flush();
    assert.equal(emitted.length, 100, 'nothing silently dropped');
    assert.equal(assembler.heldBytes, 0);
  });

  it('past the byte cap a new group is refused, while the held groups keep room for their missing parts', function () {
    const { emitted, assembler } = collect({ maxBytes: 40_000, expiryMs: 3_600_000 });
    const text = 'x'.repeat(150);
    let held = 0;
    for (let i = 0; i < 5000; i++) {
      if (offer(assembler, part(`bytes-${i}`, 1, 2, text, `+1555${i}`), i)) held += 1;
      assert.ok(assembler.heldBytes <= 40_000 * 0.9, `held ${assembler.heldBytes} bytes`);
    }
    assert.ok(held > 10 && held < 5000, `${held} groups held`);
    assert.equal(emitted.length, 0);
    for (let i = 0; i < held; i++) assert.equal(offer(assembler, part(`bytes-${i}`, 2, 2, text, `+1555${i}`), 6000), true, `part 2 of group ${i}`);
    assert.equal(emitted.length, held);
    assert.ok(emitted.every((m) => m.incomplete === undefined));
    assert.equal(assembler.heldBytes, 0);
  });

  it('one sender may hold at most maxGroupsPerSender groups; another sender still gets in', function () {
    const { emitted, assembler } = collect({ maxGroupsPerSender: 3, expiryMs: 3_600_000 });
    const results = [0, 1, 2, 3, 4].map((i) => offer(assembler, part(`s${i}`, 1, 2, 'a', '+1000'), i));
    assert.deepEqual(results, [true, true, true, false, false]);
    assert.equal(offer(assembler, part('s0', 1, 2, 'other sender', '+2000'), 5), true);
    assert.equal(offer(assembler, part('s0', 2, 2, 'b', '+1000'), 6), true, 'a part of a held group');
    assert.equal(emitted.length, 1);
    assert.equal(offer(assembler, part('s3', 1, 2, 'a', '+1000'), 7), true, 'room again once a group completed');
    assembler.flush();
  });

  it('a second copy of a held part is admitted (and ignored) even when full', function () {
    const { assembler } = collect({ maxGroups: 1, expiryMs: 3_600_000 });
    assert.equal(offer(assembler, part('only', 1, 3, 'a'), 0), true);
    assert.equal(assembler.admits(part('other', 1, 3, 'b')), false);
    assert.equal(assembler.admits(part('only', 1, 3, 'a')), true);
    assembler.flush();
  });

  it('the default limits are bounded', function () {
    assert.ok(DEFAULT_LIMITS.maxGroups > 0 && DEFAULT_LIMITS.maxGroups <= 10_000);
    assert.ok(DEFAULT_LIMITS.maxBytes > 0 && DEFAULT_LIMITS.maxBytes <= 64 * 1024 * 1024);
    assert.ok(DEFAULT_LIMITS.expiryMs > 0 && DEFAULT_LIMITS.expiryMs <= 24 * 3600_000);
  });

  it('setLimits: lower caps refuse new groups; the groups already held stay', function () {
    const { emitted, assembler } = collect({ maxGroups: 10, expiryMs: 3_600_000 });
    for (let i = 0; i < 10; i++) assembler.add(part(`lim-${i}`, 1, 2, 'x', `+1${i}`), i);
    assembler.setLimits({ ...DEFAULT_LIMITS, maxGroups: 4, expiryMs: 3_600_000 });
    assert.equal(assembler.groupCount, 10);
    assert.equal(emitted.length, 0);
    assert.equal(assembler.admits(part('lim-new', 1, 2, 'x', '+2')), false);
    assert.equal(assembler.admits(part('lim-3', 2, 2, 'x', '+13')), true);
    assembler.flush();
  });

  it('combineParts keeps the first part’s identity and marks a gap', function () {
    const msg = combineParts([part('c', 2, 3, 'b'), part('c', 3, 3, 'c')], 3);
    assert.equal(msg.text, 'bc');
    assert.equal(msg.incomplete, true);
    assert.equal(msg.from, '+447700900001');
  });
});
