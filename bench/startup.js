'use strict';
// Start-up cost of the package: Node-RED started on a user directory with this package
// installed vs on an empty one, alternating, median of several runs each.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { prepareUserDir } = require('../scripts/lib/node-red-home');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function startOnce(userDir) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'startup-child.js'), userDir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

function freshDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'flows.json'), '[]\n');
  return dir;
}

function measureStartup(scratch, runs = 9) {
  const empty = freshDir(path.join(scratch, 'startup-empty'));
  const withPackage = freshDir(path.join(scratch, 'startup-package'));
  prepareUserDir(withPackage);
  startOnce(empty); // warm the file cache for both
  startOnce(withPackage);
  const times = { empty: [], withPackage: [], require: [], emptyCpu: [], withPackageCpu: [] };
  let sdkModules = 0;
  for (let i = 0; i < runs; i++) {
    const e = startOnce(empty);
    times.empty.push(e.startMs);
    times.emptyCpu.push(e.startCpuMs);
    const r = startOnce(withPackage);
    times.withPackage.push(r.startMs);
    times.withPackageCpu.push(r.startCpuMs);
    times.require.push(r.packageRequireMs);
    sdkModules = Math.max(sdkModules, r.sdkModules);
  }
  const emptyMs = median(times.empty);
  const packageMs = median(times.withPackage);
  const addedCpuMs = median(times.withPackageCpu) - median(times.emptyCpu);
  return { emptyMs, packageMs, addedMs: packageMs - emptyMs, addedCpuMs, requireMs: median(times.require), sdkModules };
}

module.exports = { measureStartup };
