#!/usr/bin/env node
'use strict';
/* global RED */ // in page.evaluate: the editor's own global
// `npm run picture`: docs/flow.png, the README's picture of the Twilio example in the
// Node-RED editor, taken from a real Node-RED so it can be remade when the nodes change.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./lib/node-red-home');
const { launchBrowser } = require('./lib/browser');
const { VIEWPORT, startExampleNodeRed, openEditor } = require('./lib/editor');

const { freePort } = require('../test/support/free-port');
const PICTURE = path.join(ROOT, 'docs', 'flow.png');
const MARGIN = 24;

/** The palette down to its sms category, and the flow with room to read it. */
async function arrangeForPicture(page) {
  // Every category collapsed but sms: the usual ones are still there, ours is open.
  await page.locator('#red-ui-palette .red-ui-component-footer button').first().click();
  await page.locator('#red-ui-palette-base-category-common').waitFor({ state: 'hidden' });
  await page.locator('#red-ui-palette-header-sms').click();
  await page.locator('#red-ui-palette-sms .red-ui-palette-node').last().waitFor();
  await page.evaluate(() => RED.actions.invoke('core:toggle-sidebar', false));
  // sms in's "/sms/twilio (unverified)" arrives over the editor's websocket.
  await page.locator('#red-ui-workspace-chart .red-ui-flow-node-status-label').filter({ hasText: /\S/ }).first().waitFor();
  await page.mouse.move(VIEWPORT.width - 2, VIEWPORT.height - 2); // no hover highlight or tooltip
  await page.waitForTimeout(500); // palette and sidebar animations
}

/** From the top-left corner to just past the flow and the sms category. */
async function pictureClip(page) {
  const boxes = [
    ...(await Promise.all((await page.locator('#red-ui-workspace-chart g.red-ui-flow-node').all()).map((node) => node.boundingBox()))),
    await page.locator('#red-ui-palette-container-sms').boundingBox(),
  ];
  const right = Math.max(...boxes.map((b) => b.x + b.width)) + MARGIN;
  const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + MARGIN;
  return { x: 0, y: 0, width: Math.min(Math.ceil(right), VIEWPORT.width), height: Math.min(Math.ceil(bottom), VIEWPORT.height) };
}

/** Saves the picture of the editor on `page` to `file`; returns its size in bytes. */
async function takeFlowPicture(page, file) {
  await arrangeForPicture(page);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, clip: await pictureClip(page), animations: 'disabled' });
  return fs.statSync(file).size;
}

async function main() {
  const red = await startExampleNodeRed({ port: process.env.PORT ? Number(process.env.PORT) : await freePort() });
  const browser = await launchBrowser();
  try {
    const { page, consoleErrors, dismissed } = await openEditor(browser, red.url, { deviceScaleFactor: 2 });
    if (dismissed.length) console.log(`closed popups: ${dismissed.join(' | ')}`);
    const bytes = await takeFlowPicture(page, PICTURE);
    console.log(`${path.relative(process.cwd(), PICTURE)}: ${Math.round(bytes / 1024)} KB`);
    if (consoleErrors.length) console.warn(`browser console errors:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close();
    await red.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`npm run picture failed: ${err.stack || err}`);
    process.exit(1);
  });
}

module.exports = { takeFlowPicture };
