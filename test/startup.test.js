'use strict';
// Node-RED requires every installed node package at start, used or not: the provider SDKs
// and body parsing must load on first use, or every Node-RED start pays for them.
const assert = require('node:assert');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const HEAVY = /node_modules[\\/](twilio|@vonage[\\/][^\\/]+|body-parser|mustache|cors)[\\/]/;

describe('package load (what every Node-RED start pays)', function () {
  it('loads no provider SDK, body parser or template engine until a node or the simulator needs one', function () {
    const pkg = require('../package.json');
    const entries = { ...pkg['node-red'].nodes, ...pkg['node-red'].plugins };
    const files = Object.values(entries).map((f) => path.join(__dirname, '..', f));
    const script = `
      for (const f of ${JSON.stringify(files)}) require(f);
      const heavy = Object.keys(require.cache).filter((f) => ${HEAVY}.test(f) && f.endsWith('.js'));
      process.stdout.write(JSON.stringify([...new Set(heavy.map((f) => ${HEAVY}.exec(f)[1]))]));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.deepEqual(loaded, []);
  });
});
