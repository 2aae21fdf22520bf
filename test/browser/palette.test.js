'use strict';
/* global RED */ // in page.evaluate: the editor's own global
// What a user sees in the Node-RED editor with this package installed and the Twilio
// example deployed: a real Node-RED, headless Chromium. `npm run test:browser`.
const assert = require('node:assert/strict');
const path = require('node:path');
const { ROOT, exampleFlow } = require('../../scripts/lib/node-red-home');
const { launchBrowser } = require('../../scripts/lib/browser');
const { EXAMPLE, startExampleNodeRed, openEditor, canvasLabels } = require('../../scripts/lib/editor');
const { freePort } = require('../support/free-port');

const SCREENSHOT = path.join(ROOT, 'test-output', 'palette.png');

describe('the Node-RED editor with node-red-sms', function () {
  let red;
  let browser;
  let editor;

  before(async function () {
    red = await startExampleNodeRed({ port: await freePort() });
    browser = await launchBrowser();
    editor = await openEditor(browser, red.url);
  });

  after(async function () {
    // Taken last, so it shows the editor as the failing test left it.
    if (editor) await editor.page.screenshot({ path: SCREENSHOT });
    if (browser) await browser.close();
    if (red) await red.stop();
  });

  it('has an sms palette category with sms in, sms status, sms reply, sms send and sms ask', async function () {
    const { page } = editor;
    assert.equal((await page.locator('#red-ui-palette-header-sms').innerText()).trim(), 'sms');
    const entries = page.locator('#red-ui-palette-sms .red-ui-palette-node');
    const labels = (await entries.locator('.red-ui-palette-label').allInnerTexts()).map((l) => l.replace(/\s+/g, ' ').trim());
    assert.deepEqual(labels.sort(), ['sms ask', 'sms in', 'sms reply', 'sms send', 'sms status']);
    for (const entry of await entries.all()) assert.ok(await entry.isVisible(), `${await entry.innerText()} is not visible`);
  });

  it('offers sms account as a configuration node, listing the example’s Twilio account', async function () {
    const { page } = editor;
    assert.equal(await page.evaluate(() => RED.nodes.getType('sms account')?.category), 'config');
    await page.evaluate(() => RED.sidebar.show('config'));
    const type = page.locator('#red-ui-sidebar-content .red-ui-palette-node-config-type', { hasText: /^sms account$/ });
    await type.waitFor();
    // The entries of a type follow its heading.
    const account = type.locator('xpath=following-sibling::li[1]//*[contains(@class,"red-ui-palette-label")]');
    assert.equal((await account.innerText()).trim(), 'Twilio');
  });

  it('draws the deployed example on the canvas, wired', async function () {
    const { page } = editor;
    // What the example file holds: each placed node's label, and every wire.
    const placed = exampleFlow(EXAMPLE).filter((n) => n.x !== undefined);
    const expected = placed.map((n) => n.name || (n.type === 'sms in' ? `sms in ${n.path}` : n.type));
    assert.deepEqual((await canvasLabels(editor.page)).sort(), expected.sort());
    const wires = placed.reduce((count, n) => count + (n.wires || []).flat().length, 0);
    assert.equal(await page.locator('#red-ui-workspace-chart g.red-ui-flow-link').count(), wires);
  });

  it('logs no error to the browser console and shows no popup', function () {
    assert.deepEqual(editor.consoleErrors, []);
    assert.deepEqual(editor.dismissed, []);
  });
});
