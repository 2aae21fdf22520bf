'use strict';
// The one Node-RED runtime under load: a scratch user directory with this package
// installed (scripts/lib/node-red-home.js), the bench flows and credentials, and a settings
// file that lets a flow report the heap after a full garbage collection.
const fs = require('node:fs');
const path = require('node:path');
const { installFromTarball, prepareUserDir, startNodeRed } = require('../scripts/lib/node-red-home');
const { benchFlows, CREDENTIALS } = require('./flows');

const SETTINGS = `// Written by bench/node-red-under-load.js on every run.
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
module.exports = {
    flowFile: 'flows.json',
    credentialSecret: false,
    uiHost: '127.0.0.1',
    telemetry: { enabled: false, updateNotification: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false }, tours: false },
    // BENCH_SMS_STORE='{"type":"memory"}' (or redis) measures another store; default: embedded.
    smsStore: process.env.BENCH_SMS_STORE ? JSON.parse(process.env.BENCH_SMS_STORE) : undefined,
    functionGlobalContext: {
        benchHeap: () => { gc(); gc(); return process.memoryUsage().heapUsed; },
    },
};
`;

/**
 * Starts Node-RED on `port`; `profileDir` runs it with --cpu-prof into that folder;
 * `fromTarball` installs the package from its `npm pack` tarball instead of linking it;
 * `nodeRedPath` (its red.js) and `execPath` run another Node-RED on another Node; `env`
 * adds to its environment (BENCH_SMS_STORE: another store).
 */
async function startBenchNodeRed({ scratch, port, fakeProviderUrl, profileDir, nodeRedPath, execPath, env, fromTarball = false }) {
  const userDir = path.join(scratch, 'node-red');
  fs.rmSync(userDir, { recursive: true, force: true });
  fs.mkdirSync(userDir, { recursive: true });
  if (fromTarball) installFromTarball(userDir);
  fs.writeFileSync(path.join(userDir, 'settings.js'), SETTINGS);
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(CREDENTIALS, null, 2));
  prepareUserDir(userDir, { flows: benchFlows({ fakeProviderUrl }), installed: fromTarball });
  const log = fs.openSync(path.join(scratch, 'node-red.log'), 'w');
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return startNodeRed({ userDir, port, stdio: ['ignore', log, log], nodeArgs, nodeRedPath, execPath, env });
}

module.exports = { startBenchNodeRed };
