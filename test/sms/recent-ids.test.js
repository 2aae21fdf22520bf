'use strict';
const assert = require('node:assert/strict');
const { RecentIds } = require('../../dist/sms/recent-ids');

describe('RecentIds', function () {
  it('reports a key seen within the TTL, and forgets it after', function () {
    const ids = new RecentIds(1000, 100);
    assert.equal(ids.check('a', 0), false);
    assert.equal(ids.check('a', 500), true);
    assert.equal(ids.check('a', 999), true);
    assert.equal(ids.check('a', 1000), false, 'expired: recorded again');
    assert.equal(ids.check('a', 1500), true);
  });

  it('a repeat does not extend the TTL (the first delivery counts)', function () {
    const ids = new RecentIds(1000, 100);
    ids.check('a', 0);
    ids.check('a', 900);
    assert.equal(ids.check('a', 1001), false);
  });

  it('prunes expired keys as time passes', function () {
    const ids = new RecentIds(1000, 100);
    for (let i = 0; i < 50; i++) ids.check(`k${i}`, i);
    assert.equal(ids.size, 50);
    ids.check('late', 5000);
    assert.equal(ids.size, 1);
  });

  it('holds at most `max` keys, forgetting the oldest', function () {
    const ids = new RecentIds(60_000, 3);
    for (const k of ['a', 'b', 'c', 'd']) ids.check(k, 0);
    assert.equal(ids.size, 3);
    assert.equal(ids.check('b', 1), true);
    assert.equal(ids.check('a', 1), false, 'the oldest was pushed out');
  });

  it('stays bounded under a flood of distinct ids', function () {
    const ids = new RecentIds(60_000, 1000);
    for (let i = 0; i < 20_000; i++) ids.check(`flood-${i}`, i);
    assert.equal(ids.size, 1000);
  });

  it('keys that look like Object properties are plain keys', function () {
    const ids = new RecentIds();
    assert.equal(ids.check('__proto__'), false);
    assert.equal(ids.check('constructor'), false);
    assert.equal(ids.check('__proto__'), true);
  });

  it('by default remembers a key for the 48 h retention, past 10 000 later keys', function () {
    const ids = new RecentIds();
    const hour = 3_600_000;
    assert.equal(ids.check('twilio:SMcaptured', 0), false);
    for (let i = 0; i < 10_000; i++) ids.check(`twilio:SM${i}`, 1000 + i);
    assert.equal(ids.check('twilio:SMcaptured', 47 * hour), true, 'a replay within the retention is a duplicate');
    assert.equal(ids.check('twilio:SMcaptured', 48 * hour), false, 'forgotten after the retention');
  });

  it('is bounded in bytes: a flood of long keys pushes out the oldest, never more than maxBytes', function () {
    const ids = new RecentIds(60_000, Number.POSITIVE_INFINITY, 100_000);
    const long = 'k'.repeat(200);
    for (let i = 0; i < 5000; i++) {
      ids.check(`${long}${i}`, i);
      assert.ok(ids.heldBytes <= 100_000, `${ids.heldBytes} bytes`);
    }
    assert.ok(ids.size > 100 && ids.size < 5000, `${ids.size} keys`);
    assert.equal(ids.evicted, 5000 - ids.size);
    assert.equal(ids.check(`${long}4999`, 5000), true, 'the newest are kept');
  });
});
