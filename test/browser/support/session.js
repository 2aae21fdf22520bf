'use strict';
// A real Node-RED on a temporary user directory and a headless Chromium on its editor, for the
// browser tests that change flows and read back what Node-RED saved.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchBrowser } = require('../../../scripts/lib/browser');
const { ROOT, prepareUserDir, startNodeRed } = require('../../../scripts/lib/node-red-home');
const { freePort } = require('../../support/free-port');

const OUTPUT = path.join(ROOT, 'test-output');

// Node-RED's defaults, minus the palette catalogue (no internet here: a failed fetch would be a
// console error that is not ours), with credentials kept unencrypted so a test can read them.
const SETTINGS = `module.exports = {
  flowFile: 'flows.json',
  flowFilePretty: true,
  credentialSecret: false,
  uiHost: '127.0.0.1',
  telemetry: { enabled: false, updateNotification: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  editorTheme: { projects: { enabled: false }, tours: false, palette: { catalogues: [] } },
};
`;

/**
 * Starts Node-RED with `flows` (and `credentials`, written as Node-RED's unencrypted
 * flows_cred.json) and opens the editor. Returns the session; `close()` ends it all.
 */
async function startSession({ flows = [], credentials, prefix = 'sms-editor-' } = {}) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(userDir, 'settings.js'), SETTINGS);
  prepareUserDir(userDir, { flows });
  if (credentials) fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials, null, 2));
  const red = await startNodeRed({ userDir, port: await freePort(), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [red.startOutput];
  red.child.stdout.on('data', (d) => log.push(String(d)));
  red.child.stderr.on('data', (d) => log.push(String(d)));
  const browser = await launchBrowser();
  const session = {
    red,
    userDir,
    log,
    browser,
    page: null,
    consoleErrors: [],
    /** What Node-RED saved: the flow file as JSON. */
    savedFlows: () => JSON.parse(fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8')),
    /** What Node-RED saved: the credentials file (unencrypted by the settings above). */
    savedCredentials: () => JSON.parse(fs.readFileSync(path.join(userDir, 'flows_cred.json'), 'utf8')),
    async open() {
      if (session.page) await session.page.close();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('console', (m) => {
        if (m.type() === 'error') session.consoleErrors.push(m.text());
      });
      page.on('pageerror', (err) => session.consoleErrors.push(String(err)));
      await page.goto(`${red.url}/`);
      await page.waitForSelector('.red-ui-palette-node[data-palette-type="sms in"]', { timeout: 60_000 });
      await page.waitForFunction(() => globalThis.RED && globalThis.RED.nodes && globalThis.RED.nodes.version() !== null, null, { timeout: 60_000 });
      session.page = page;
      return page;
    },
    async deploy() {
      const page = session.page;
      await page.click('#red-ui-header-button-deploy');
      const notice = page.locator('.red-ui-notification', { hasText: 'Successfully deployed' });
      await notice.waitFor({ timeout: 20_000 });
      // The notice goes on its own: gone, the next deploy waits for a notice of its own.
      await notice.waitFor({ state: 'detached', timeout: 20_000 });
    },
    async screenshot(name) {
      if (session.page) await session.page.screenshot({ path: path.join(OUTPUT, `${name}.png`) });
    },
    async close() {
      await browser.close();
      await red.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
  return session;
}

/** Opens the edit dialog of the flow node `id` by double-clicking it on the canvas. */
async function openNodeDialog(page, id) {
  await page.dblclick(`[id="${id}"] .red-ui-flow-node`);
  await page.waitForSelector('.red-ui-tray .red-ui-tray-body form', { timeout: 10_000 });
}

/** Presses Done (or Update) on the top-most tray. */
async function closeDialog(page) {
  await page.click('.red-ui-tray:last-child #node-dialog-ok, .red-ui-tray:last-child #node-config-dialog-ok');
  await page.waitForTimeout(400);
}

module.exports = { startSession, openNodeDialog, closeDialog, OUTPUT };
