'use strict';
// One Node-RED start, embedded, on the user directory given as argv[2]: prints
// `{ startMs, startCpuMs, packageRequireMs, sdkModules }` — how long RED.start() took (it loads every installed node
// package) and which provider SDK modules were loaded by then (none should be).
const http = require('node:http');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const Module = require('node:module');
const RED = require('node-red');

// Time spent inside require() of this package's node files, dependencies included: the
// part of the start that is ours, without the noise of the rest of Node-RED's start.
const PACKAGE_NODES = path.join(__dirname, '..', 'dist') + path.sep;
// Node-RED requires the node files through the user directory's link to the package.
const isPackageNode = (file) => file.startsWith(PACKAGE_NODES) || /[\\/]@smsflow[\\/]node-red-sms[\\/]dist[\\/]/.test(file);
let packageRequireMs = 0;
let depth = 0;
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  const ours = depth === 0 && parent && !isPackageNode(parent.filename || '') && isPackageNode(request);
  if (!ours) return load.call(this, request, parent, ...rest);
  depth += 1;
  const t = performance.now();
  try {
    return load.call(this, request, parent, ...rest);
  } finally {
    packageRequireMs += performance.now() - t;
    depth -= 1;
  }
};

async function main() {
  const userDir = process.argv[2];
  RED.init(http.createServer(), {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: '/admin',
    httpNodeRoot: '/',
    logging: { console: { level: process.env.BENCH_DEBUG ? 'debug' : 'off' } },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { projects: { enabled: false }, tours: false },
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await RED.start();
  const startMs = performance.now() - t0;
  // CPU time is steadier than wall time on a machine shared with other work.
  const cpu = process.cpuUsage(cpu0);
  const startCpuMs = (cpu.user + cpu.system) / 1000;
  const sdkModules = Object.keys(require.cache).filter((f) => /node_modules[\\/](twilio|@vonage)[\\/].*\.js$/.test(f)).length;
  await RED.stop();
  process.stdout.write(JSON.stringify({ startMs, startCpuMs, packageRequireMs, sdkModules }) + '\n');
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
