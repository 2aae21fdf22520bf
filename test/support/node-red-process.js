'use strict';
// A real Node-RED child process on a user directory of its own (settings.js with an
// smsStore, flows and plain-text credentials), that a test can stop, kill -9 and start again
// on the same directory and port, and redeploy through the admin API.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { prepareUserDir, startNodeRed } = require('../../scripts/lib/node-red-home');
const { freePort } = require('./free-port');

function settingsFile(store, extra) {
  return `module.exports = {
    flowFile: 'flows.json',
    credentialSecret: false,
    uiHost: '127.0.0.1',
    telemetry: { enabled: false, updateNotification: false },
    // info: start() waits for "Started flows" in the log (a request before that could get 404).
    logging: { console: { level: 'info', metrics: false, audit: false } },
    smsStore: ${JSON.stringify(store)},
${Object.entries(extra).map(([k, v]) => `    ${k}: ${JSON.stringify(v)},\n`).join('')}};
`;
}

/** `flows` and `credentials` (by node id) as Node-RED keeps them; `store` as smsStore; `settings`: more of settings.js. */
async function nodeRedProcess({ flows, credentials = {}, store, userDir, settings = {} }) {
  const dir = userDir || fs.mkdtempSync(path.join(os.tmpdir(), 'sms-nr-'));
  fs.writeFileSync(path.join(dir, 'settings.js'), settingsFile(store, settings));
  fs.writeFileSync(path.join(dir, 'flows.json'), JSON.stringify(flows));
  fs.writeFileSync(path.join(dir, 'flows_cred.json'), JSON.stringify(credentials));
  prepareUserDir(dir);
  const port = await freePort();
  let running;
  let log = '';
  const instance = {
    userDir: dir,
    port,
    url: `http://127.0.0.1:${port}`,
    get log() {
      return log;
    },
    async start() {
      // A free port can be taken by another process between the pick and the listen (several
      // test processes run at once): pick another one rather than fail on "port in use".
      for (let attempt = 1; ; attempt++) {
        try {
          running = await startNodeRed({ userDir: dir, port: instance.port, stdio: ['ignore', 'pipe', 'pipe'] });
          break;
        } catch (err) {
          if (attempt >= 3 || !/port in use/.test(String(err && err.message))) throw err;
          instance.port = await freePort();
          instance.url = `http://127.0.0.1:${instance.port}`;
        }
      }
      const keep = (d) => {
        log += d;
      };
      running.child.stdout.on('data', keep);
      running.child.stderr.on('data', keep);
      return instance;
    },
    /** SIGKILL: no close handlers, nothing flushed. */
    async kill() {
      if (!running) return;
      const child = running.child;
      running = undefined;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      if (!running) return;
      const r = running;
      running = undefined;
      await r.stop();
    },
    /** POST /flows; `type` 'full' or 'nodes'. */
    async deploy(nextFlows, type = 'full') {
      const res = await fetch(`${instance.url}/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': type, 'Node-RED-API-Version': 'v1' },
        body: JSON.stringify(nextFlows),
      });
      if (res.status !== 204 && res.status !== 200) throw new Error(`deploy answered ${res.status}: ${await res.text()}`);
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return instance;
}

module.exports = { nodeRedProcess };
