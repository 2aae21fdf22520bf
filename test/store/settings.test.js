'use strict';
// smsStore in settings.js (SPEC §7): defaults, and a sentence for what cannot work.
const assert = require('node:assert/strict');
const { readStoreSettings, openStore, StoreConfigError, defaultInstance } = require('./store-module');
const { quietLog } = require('./quiet-log');

describe('smsStore settings', function () {
  it('defaults to the embedded database in sms-store, 48 h retention, prefix sms:', function () {
    for (const raw of [undefined, null, {}]) {
      const config = readStoreSettings(raw);
      assert.equal(config.type, 'embedded');
      assert.equal(config.path, 'sms-store');
      assert.equal(config.retentionHours, 48);
      assert.equal(config.prefix, 'sms:');
      assert.ok(config.timeoutMs > 0);
    }
  });

  it('takes the redis settings of the SPEC example', function () {
    const config = readStoreSettings({ type: 'redis', url: 'redis://10.0.0.5:6380/2', prefix: 'shop1:', retentionHours: 72 });
    assert.deepEqual([config.type, config.url, config.prefix, config.retentionHours], ['redis', 'redis://10.0.0.5:6380/2', 'shop1:', 72]);
  });

  for (const [raw, sentence] of [
    [{ type: 'sqlite' }, /type must be one of memory, embedded, redis/],
    [{ retentionHours: -1 }, /retentionHours must be a positive number/],
    [{ retentionHours: '48' }, /retentionHours must be a positive number/],
    [{ type: 'redis', url: 'http://localhost' }, /url must start with redis:\/\//],
    [{ path: '' }, /path must be a non-empty string/],
    ['embedded', /smsStore must be an object/],
  ]) {
    it(`refuses ${JSON.stringify(raw)} with a sentence`, function () {
      assert.throws(() => readStoreSettings(raw), (err) => err instanceof StoreConfigError && sentence.test(err.message));
    });
  }

  it('openStore refuses a bad setting before opening anything', async function () {
    await assert.rejects(openStore({ type: 'mongo' }, { userDir: '/x', log: quietLog() }), StoreConfigError);
  });

  it('names an instance the same way on every start, and differently per user directory', function () {
    assert.equal(defaultInstance('/home/a/.node-red'), defaultInstance('/home/a/.node-red'));
    assert.notEqual(defaultInstance('/home/a/.node-red'), defaultInstance('/home/b/.node-red'));
    assert.doesNotMatch(defaultInstance('/home/a/.node-red'), /home/, 'the path itself is not stored in redis');
  });
});
