'use strict';
// A removal (or an outbound finish) after the store closed rejects, as every other write does;
// it used to throw "Database is closed" from the 20 ms timer, an uncaught exception (mocha
// reports it; in Node-RED it ends the process).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openStore } = require('./store-module');
const { quietLog } = require('./quiet-log');

describe('embedded store, closed', function () {
  it('inbox.remove after close rejects, no uncaught exception', async function () {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-closed-'));
    const store = await openStore({ type: 'embedded' }, { userDir, log: quietLog() });
    await store.inbox.put('a', { x: 1 });
    await store.close();
    await assert.rejects(store.inbox.remove('a'));
    await assert.rejects(store.outbound.finish('job-1'));
    fs.rmSync(userDir, { recursive: true, force: true });
  });
});
