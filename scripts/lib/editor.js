'use strict';
// The Twilio example flow in a real Node-RED editor, in headless Chromium: the steps shared
// by `npm run picture` (docs/flow.png) and the browser tests.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { prepareUserDir, startNodeRed, exampleFlow, exampleOnTab } = require('./node-red-home');

const EXAMPLE = '01 Keyword auto-responder - Twilio';
const TAB = { id: 'tab-01', label: 'Twilio auto-responder' };
const VIEWPORT = { width: 1600, height: 700 };
// The palette manager fetches the online node catalogue on load; offline that is a console
// error of Node-RED's, not ours.
const CATALOGUE = 'https://catalogue.nodered.org/';

/**
 * Node-RED on a fresh temporary user directory with the example deployed on its own tab.
 * Its log goes to a file, not the console: `log()` reads it, for a failure message.
 * Returns `{ url, userDir, log(), stop() }`; `stop()` also removes the directory.
 */
async function startExampleNodeRed({ port }) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-red-sms-editor-'));
  prepareUserDir(userDir, { flows: exampleOnTab(EXAMPLE, TAB) });
  const logFile = path.join(userDir, 'node-red.log');
  const logFd = fs.openSync(logFile, 'a');
  const log = () => fs.readFileSync(logFile, 'utf8');
  const remove = () => fs.rmSync(userDir, { recursive: true, force: true });
  // Node-RED's output passes through startNodeRed (which watches for its flows starting) on
  // its way to the file: the file stays open until Node-RED has stopped.
  const close = () => fs.closeSync(logFd);
  let red;
  try {
    red = await startNodeRed({ userDir, port, stdio: ['ignore', logFd, logFd] });
  } catch (err) {
    close();
    err.message += `\n--- Node-RED log ---\n${log()}`;
    remove();
    throw err;
  }
  return { url: red.url, userDir, log, stop: () => red.stop().then(close).then(remove) };
}

/**
 * Opens the editor at `url` and resolves once every node of the example is drawn and any
 * popup is dismissed. Returns `{ page, consoleErrors, dismissed }`: the browser's console
 * errors, kept as they come, and the texts of the popups that were closed.
 */
async function openEditor(browser, url, { viewport = VIEWPORT, deviceScaleFactor = 1 } = {}) {
  const page = await browser.newPage({ viewport, deviceScaleFactor });
  const consoleErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location().url.startsWith(CATALOGUE)) consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err.stack || err)));
  await page.goto(`${url}/`);
  const ids = exampleFlow(EXAMPLE).filter((n) => n.x !== undefined).map((n) => n.id);
  for (const id of ids) await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node[id="${id}"]`).waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  const dismissed = await dismissPopups(page);
  return { page, consoleErrors, dismissed };
}

/** Closes notifications and tour popovers; returns their texts. */
async function dismissPopups(page) {
  const dismissed = [];
  const popups = page.locator('.red-ui-notification:visible, .red-ui-tourGuide-popover:visible');
  while ((await popups.count()) && dismissed.length < 20) {
    const popup = await popups.first().elementHandle();
    dismissed.push((await popup.innerText()).trim());
    const close = await popup.$('button:text-matches("close|dismiss|cancel|ok|end", "i")');
    if (close) await close.click();
    else await popup.evaluate((el) => el.remove()); // a plain notice has no button, only a timeout
    await popup.waitForElementState('hidden');
  }
  await page.keyboard.press('Escape');
  return dismissed;
}

/** Texts of the flow nodes drawn on the canvas. */
function canvasLabels(page) {
  return page.locator('#red-ui-workspace-chart g.red-ui-flow-node .red-ui-flow-node-label').allTextContents();
}

module.exports = { EXAMPLE, TAB, VIEWPORT, startExampleNodeRed, openEditor, dismissPopups, canvasLabels };
