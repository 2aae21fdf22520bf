'use strict';
// A real Node-RED user directory with this package installed as a module, and a way to run
// Node-RED on it. Used by `npm start`, the browser tests, the README picture and the bench.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = require(path.join(ROOT, 'package.json'));

/** settings.js for the user directory: the defaults, minus what would reach the network. */
const SETTINGS = `// Written by node-red-sms's scripts/lib/node-red-home.js on first start; yours to edit.
module.exports = {
    flowFile: 'flows.json',
    flowFilePretty: true,
    uiHost: process.env.HOST || '127.0.0.1',
    // No update check or telemetry prompt: a development Node-RED that may have no network.
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: true, ui: true },
    runtimeState: { enabled: false, ui: false },
    // Context survives restarts (the opt-out example keeps its list there).
    contextStorage: { default: { module: 'localfilesystem' } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false }, tours: false },
};
`;

/** node_modules/<package> in `userDir` as a link to this working tree. */
function linkPackage(userDir) {
  fs.mkdirSync(path.join(userDir, 'node_modules', ...PACKAGE.name.split('/').slice(0, -1)), { recursive: true });
  const link = path.join(userDir, 'node_modules', ...PACKAGE.name.split('/'));
  let current;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== ROOT) {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(ROOT, link, 'dir');
  }
}

/**
 * Makes `userDir` a Node-RED user directory with this package installed (a link to the
 * project, as `npm install <folder>` makes), a settings.js, and `flows` as the flow file
 * when it has none yet, so a user's edits survive the next start.
 * Returns `{ userDir, createdFlows }`.
 */
function prepareUserDir(userDir, { flows, installed = false } = {}) {
  // `installed`: the package is already in node_modules (installFromTarball), not linked.
  if (!installed) linkPackage(userDir);
  const pkgFile = path.join(userDir, 'package.json');
  if (!fs.existsSync(pkgFile)) {
    const pkg = { name: 'node-red-project', private: true, dependencies: { [PACKAGE.name]: `file:${ROOT}` } };
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  }
  const settingsFile = path.join(userDir, 'settings.js');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, SETTINGS);
  const flowFile = path.join(userDir, 'flows.json');
  let createdFlows = false;
  if (flows && !fs.existsSync(flowFile)) {
    fs.writeFileSync(flowFile, JSON.stringify(flows, null, 2) + '\n');
    createdFlows = true;
  }
  return { userDir, createdFlows };
}

/**
 * Makes `userDir` hold this package as a user gets it: `npm pack` of the built tree (the
 * files package.json ships, no build step) installed with npm into the user directory, its
 * dependencies from the npm registry (or npm's cache).
 */
function installFromTarball(userDir) {
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-red-sms-pack-'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [{ filename }] = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' }));
  const tarball = path.join(packDir, path.basename(filename));
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }, null, 2) + '\n');
  try {
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', tarball], { cwd: userDir, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
}

/** The example flows shipped in `examples/`, by file name without `.json`. */
function exampleFlow(name) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', `${name}.json`), 'utf8'));
}

/**
 * The nodes of an example placed on a new tab, as Import does: flow nodes get the tab's
 * `z`; config nodes (no x/y) stay global, as the editor saves them.
 */
function onTab(nodes, tab) {
  const tabNode = { type: 'tab', disabled: false, info: '', ...tab };
  return [tabNode, ...nodes.map((n) => (n.x === undefined ? n : { ...n, z: tabNode.id }))];
}

/** The example `name` on a tab of its own, as a flow file holds it. */
function exampleOnTab(name, tab) {
  return onTab(exampleFlow(name), tab);
}

/** Where a child's output goes: the parent's own stream, a file descriptor, or nowhere. */
function forwarder(target, own) {
  if (target === 'inherit') return (chunk) => own.write(chunk);
  if (typeof target === 'number') {
    return (chunk) => {
      try {
        fs.writeSync(target, chunk);
      } catch {
        // The caller closed the file: what Node-RED still says is dropped, as 'ignore' would.
      }
    };
  }
  return () => {};
}

/**
 * Starts Node-RED (from devDependencies, or `nodeRedPath`) on `userDir` and resolves once
 * its flows have started: the editor answering is not enough, as an HTTP In or sms in node
 * answers "Cannot POST" until then. Node-RED says "Started flows" at info level; where the
 * log is quieter (no "Welcome to Node-RED" line) the editor answering has to do.
 * `stdio` as for child_process.spawn (default: inherit; 'pipe' leaves the output on
 * `child.stdout` / `child.stderr`, the part printed before the start in `startOutput`);
 * `nodeArgs` go to node itself (e.g. --cpu-prof, which NODE_OPTIONS does not take).
 * Returns `{ url, child, startOutput, stop() }`.
 */
async function startNodeRed({ userDir, port = 1880, host = '127.0.0.1', stdio = 'inherit', nodeRedPath, execPath, env, nodeArgs = [] } = {}) {
  const redJs = nodeRedPath || require.resolve('node-red/red.js', { paths: [ROOT] });
  const [input, out, err] = typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio;
  const child = spawn(execPath || process.execPath, [...nodeArgs, redJs, '--userDir', userDir, '--port', String(port), '--no-telemetry'], {
    stdio: [input === 'pipe' ? 'pipe' : input, 'pipe', 'pipe'],
    env: { ...process.env, HOST: host, ...env },
  });
  let startOutput = '';
  let starting = true;
  const handOver = [() => (starting = false)];
  for (const [stream, target, own] of [[child.stdout, out, process.stdout], [child.stderr, err, process.stderr]]) {
    const forward = forwarder(target, own);
    const watch = (chunk) => {
      if (starting) startOutput += chunk;
      forward(chunk);
    };
    stream.on('data', watch);
    // 'pipe': once started, the caller reads the stream itself (it attaches its listener as
    // soon as this resolves, before the next output can arrive).
    if (target === 'pipe') handOver.push(() => stream.off('data', watch));
  }
  const url = `http://${host}:${port}`;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const gone = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 200))]);
    if (gone) throw new Error(`Node-RED exited (${gone.code ?? gone.signal}) before it answered on ${url}:\n${startOutput}`);
    try {
      const res = await fetch(`${url}/settings`);
      const infoLogged = /Welcome to Node-RED/.test(startOutput);
      if (res.ok && (!infoLogged || /Started flows/.test(startOutput))) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`Node-RED did not start its flows on ${url} within 60 s:\n${startOutput}`);
    }
  }
  for (const done of handOver) done();
  return {
    url,
    child,
    startOutput,
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      child.kill('SIGINT');
      // Node-RED gives its nodes 15 s to close; a stop that takes longer is not left running.
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      return exited.finally(() => clearTimeout(force));
    },
  };
}

module.exports = { ROOT, PACKAGE, prepareUserDir, installFromTarball, startNodeRed, exampleFlow, exampleOnTab };
