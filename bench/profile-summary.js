'use strict';
// Where the time went in the newest .cpuprofile of `node bench/run.js --profile`: self time
// by function and by package (node_modules/<name>, this package's dist/, node internals).
//   node bench/profile-summary.js [file.cpuprofile] [top]
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', '.bench', 'profiles');
const file =
  process.argv[2] ||
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((x, y) => fs.statSync(y).mtimeMs - fs.statSync(x).mtimeMs)[0];
const top = Number(process.argv[3] || 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) || 0) + (deltas[i] || 0)));

function packageOf(url) {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
  if (m) return m[1];
  if (/\/dist\//.test(url)) return 'this package (dist/)';
  return url;
}

const fns = new Map();
const pkgs = new Map();
let total = 0;
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  total += us;
  const key = `${callFrame.functionName || '(anonymous)'}  ${callFrame.url.replace(/^.*node_modules\//, '')}:${callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) || 0) + us);
  const pkg = packageOf(callFrame.url);
  pkgs.set(pkg, (pkgs.get(pkg) || 0) + us);
}

// Inclusive time of this package's functions (a function counted once per sample).
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const keyOf = (cf) => `${cf.functionName || '(anonymous)'}  ${cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${cf.lineNumber + 1}`;
const inclusive = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const cf = byId.get(at).callFrame;
    if (!/\/dist\/|@node-red\/runtime\/lib\/nodes\/Node\.js/.test(cf.url)) continue;
    const key = keyOf(cf);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) || 0) + us);
  }
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled\n\nby package`);
for (const [k, us] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(us)}  ${k}`);
console.log('\nby function (self time)');
for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log('\nthis package and Node.js Node methods, inclusive time');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
