'use strict';
const assert = require('node:assert/strict');
const { openStore } = require('./store-module');
const { storeContract } = require('./contract');
const { quietLog } = require('./quiet-log');

storeContract('memory', {
  place: () => null,
  open: (_place, settings) => openStore({ type: 'memory', ...settings }, { userDir: '/nonexistent', log: quietLog() }),
});

describe('memory store', function () {
  it('warns in the log that it forgets everything on restart', async function () {
    const log = quietLog();
    const store = await openStore({ type: 'memory' }, { userDir: '/nonexistent', log });
    await store.close();
    assert.equal(log.lines.length, 1);
    assert.equal(log.lines[0][0], 'warn');
    assert.match(log.lines[0][1], /forgotten on restart/);
  });

  it('forgets: a second memory store knows nothing of the first', async function () {
    const log = quietLog();
    const first = await openStore({ type: 'memory' }, { userDir: '/nonexistent', log });
    await first.seen.firstTime('id');
    const second = await openStore({ type: 'memory' }, { userDir: '/nonexistent', log });
    assert.equal(await second.seen.firstTime('id'), true);
  });
});
