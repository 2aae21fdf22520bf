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
      await deployFlows(session.page);
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

/**
 * Presses Deploy and waits until the runtime has started the deployed flows. The editor's
 * "deploy" event is not enough: Node-RED answers the deploy before its flows have started
 * (their endpoints may still answer 404), and a "Successfully deployed" notice may still be
 * showing from the deploy before. The runtime's retained runtime-deploy notice, naming the
 * revision, is sent once they have.
 */
async function deployFlows(page) {
  const started = page.evaluate(
    () =>
      new Promise((resolve) => {
        const RED = globalThis.RED;
        const deployed = () => {
          RED.events.off('deploy', deployed);
          const revision = RED.nodes.version();
          const notice = (_topic, msg) => {
            if (!msg || msg.revision !== revision) return;
            RED.comms.unsubscribe('notification/runtime-deploy', notice);
            resolve();
          };
          // Subscribing again has the runtime send its retained notice: the revision now
          // running, which is this one if the flows have already started.
          RED.comms.subscribe('notification/runtime-deploy', notice);
        };
        RED.events.on('deploy', deployed);
      }),
  );
  // Deploy stays disabled until the editor has something to deploy (imported nodes, say,
  // count only once they are placed): a click before that would do nothing.
  await page.waitForSelector('#red-ui-header-button-deploy:not(.disabled)', { timeout: 10_000 });
  await page.click('#red-ui-header-button-deploy');
  let timer;
  const late = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('the deployed flows had not started within 20 s')), 20_000);
  });
  await Promise.race([started, late]).finally(() => clearTimeout(timer));
}

/**
 * Imported nodes (not a whole tab) follow the mouse until a click places them; until then
 * they are not part of the flows and Deploy stays off. Waits until the editor is carrying
 * them, clicks at (x, y), and clicks again if the editor was not ready for the first one.
 */
async function placeImported(page, x = 700, y = 500) {
  const importing = () => page.evaluate(() => globalThis.RED.view.state() === globalThis.RED.state.IMPORT_DRAGGING);
  await page.waitForFunction(() => globalThis.RED.view.state() === globalThis.RED.state.IMPORT_DRAGGING, null, { timeout: 10_000 });
  for (let attempt = 1; await importing(); attempt++) {
    if (attempt > 3) throw new Error('the imported nodes were not placed after three clicks');
    await page.mouse.move(x, y);
    await page.mouse.click(x, y);
    await page.waitForFunction(() => globalThis.RED.view.state() !== globalThis.RED.state.IMPORT_DRAGGING, null, { timeout: 2_000 }).catch(() => {});
  }
}

// How many edit dialogs are open, as the editor counts them: a tray opened over another takes
// the one below out of the page until it closes, so counting trays in the page would not tell.
const openDialogs = (page) => page.evaluate(() => globalThis.RED.editor.getEditStack().length);

/**
 * Opens the edit dialog of the flow node `id` by double-clicking it on the canvas. A double
 * click that lands while the canvas is still redrawing (after a tray closed, a deploy) is
 * lost, so it is made again, as a user would.
 */
async function openNodeDialog(page, id) {
  const before = await openDialogs(page);
  for (let attempt = 1; ; attempt++) {
    await page.dblclick(`[id="${id}"] .red-ui-flow-node`);
    const opened = await page
      .waitForFunction(
        (n) => globalThis.RED.editor.getEditStack().length > n && !!globalThis.document.querySelector('.red-ui-tray:last-child .red-ui-tray-body form'),
        before,
        { timeout: 5_000 },
      )
      .then(
        () => true,
        () => false,
      );
    if (opened) return;
    if (attempt === 3) throw new Error(`the edit dialog of node ${id} did not open after three double clicks`);
  }
}

/** Presses a button of the top-most tray and waits until that dialog has closed. */
async function pressTrayButton(page, selector) {
  const before = await openDialogs(page);
  await page.click(`.red-ui-tray:last-child ${selector}`);
  // The editor takes the dialog off its stack once its tray has slid away (250 ms).
  await page.waitForFunction((n) => globalThis.RED.editor.getEditStack().length < n, before, { timeout: 10_000 });
}

/** Presses Done (or Update) on the top-most tray. */
async function closeDialog(page) {
  await pressTrayButton(page, ':is(#node-dialog-ok, #node-config-dialog-ok)');
}

/** Presses Cancel on the top-most tray. */
async function cancelDialog(page) {
  await pressTrayButton(page, ':is(#node-dialog-cancel, #node-config-dialog-cancel)');
}

module.exports = { startSession, deployFlows, placeImported, openNodeDialog, closeDialog, cancelDialog, OUTPUT };
