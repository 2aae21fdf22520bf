'use strict';
// The SMS simulator as a user meets it: a real Node-RED with this package installed, a
// headless Chromium on its editor, the keyword examples imported from Import ▸ Examples,
// deployed, and "HELP" sent from the SMS sidebar tab. Screenshots go to test-output/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchBrowser } = require('../../scripts/lib/browser');
const { ROOT, prepareUserDir, startNodeRed } = require('../../scripts/lib/node-red-home');
const { freePort } = require('../support/free-port');
const { deployFlows, placeImported, openNodeDialog, cancelDialog } = require('./support/session');

const OUTPUT = path.join(ROOT, 'test-output');
const HELP_ANSWER = 'Text HOURS for opening hours or PRICE for prices. Text STOP to opt out.';
const EXAMPLES = [
  { file: '01 Keyword auto-responder - Twilio', provider: 'Twilio', into: 'current' },
  { file: '02 Keyword auto-responder - Vonage Messages API', provider: 'Vonage Messages API', into: 'new' },
];

describe('SMS simulator in the Node-RED editor (Chromium)', function () {
  let red;
  let browser;
  let page;
  let userDir;
  const consoleErrors = [];
  const log = [];

  before(async function () {
    fs.mkdirSync(OUTPUT, { recursive: true });
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-simulator-'));
    // Node-RED's defaults, but no palette catalogue: this machine has no internet, and a failed
    // fetch of catalogue.nodered.org would be a console error that is not ours.
    fs.writeFileSync(
      path.join(userDir, 'settings.js'),
      `module.exports = {
  flowFile: 'flows.json',
  uiHost: '127.0.0.1',
  telemetry: { enabled: false, updateNotification: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  editorTheme: { projects: { enabled: false }, tours: false, palette: { catalogues: [] } },
};
`,
    );
    prepareUserDir(userDir);
    red = await startNodeRed({ userDir, port: await freePort(), stdio: ['ignore', 'pipe', 'pipe'] });
    red.child.stdout.on('data', (d) => log.push(String(d)));
    red.child.stderr.on('data', (d) => log.push(String(d)));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await page.goto(`${red.url}/`);
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="sms in"]', { timeout: 60_000 });
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' || process.env.SHOW_NODE_RED_LOG) console.log(log.join(''));
    if (browser) await browser.close();
    if (red) await red.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest.state === 'failed' && page) {
      await page.screenshot({ path: path.join(OUTPUT, `simulator-failed-${Date.now()}.png`) });
      console.log(log.join(''));
    }
  });

  async function importExample({ file, into }) {
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-import');
    await page.waitForSelector('#red-ui-clipboard-dialog-import-tabs');
    await page.click('#red-ui-clipboard-dialog-import-tabs >> text=Examples');
    await page.click('.red-ui-clipboard-dialog-tab-library:visible >> text=@smsflow/node-red-sms');
    // The editor loads the example when it is chosen and only then enables Import; a choice
    // made while the tree still redraws can be lost, so it is made again (at most three times).
    const chosen = () => page.waitForSelector('#red-ui-clipboard-dialog-ok:enabled', { timeout: 5000 }).then(() => true, () => false);
    for (let i = 0; i < 3; i++) {
      await page.click(`.red-ui-clipboard-dialog-tab-library:visible >> text="${file}"`);
      if (await chosen()) break;
    }
    if (into === 'new') await page.click('#red-ui-clipboard-dialog-import-opt-new');
    await page.click('#red-ui-clipboard-dialog-ok');
    await placeImported(page);
    await page.waitForSelector('#red-ui-clipboard-dialog-import-tabs', { state: 'hidden' });
  }

  const deploy = () => deployFlows(page);

  it('imports the Twilio and Vonage keyword examples from Import ▸ Examples and deploys them', async function () {
    for (const example of EXAMPLES) await importExample(example);
    await deploy();
    await page.screenshot({ path: path.join(OUTPUT, 'simulator-1-imported.png') });
  });

  it('lists the endpoints in the SMS sidebar tab with their full URLs', async function () {
    // The sidebar shows four tab buttons; the others are in its drop-down menu.
    await page.click('#red-ui-sidebar .red-ui-tab-link-button-menu');
    await page.click('#red-ui-tabs-menu-option-sms-simulator');
    await page.waitForSelector('.sms-sim-endpoint', { timeout: 10_000 });
    const urls = await page.$$eval('.sms-sim-url', (els) => els.map((e) => e.textContent));
    assert.deepEqual(urls.sort(), [`${red.url}/sms/twilio`, `${red.url}/sms/vonage`, `${red.url}/sms/vonage-status`]);
  });

  for (const example of EXAMPLES) {
    it(`sends HELP to the ${example.provider} example and shows the keyword reply`, async function () {
      const value = await page.$$eval(
        '#sms-sim-node option',
        (options, provider) => options.find((o) => o.textContent.endsWith(`— ${provider}`))?.value,
        example.provider,
      );
      assert.ok(value, `an sms in for ${example.provider} in the list`);
      await page.selectOption('#sms-sim-node', value);
      await page.fill('#sms-sim-text', 'HELP');
      await page.click('#sms-sim-send');
      const reply = page.locator('#sms-sim-thread .sms-sim-reply .sms-sim-text', { hasText: HELP_ANSWER });
      await reply.first().waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('#sms-sim-thread .sms-sim-sent .sms-sim-text').first().textContent(), 'HELP');
      await page.screenshot({ path: path.join(OUTPUT, `simulator-2-${example.provider.replace(/\W+/g, '-').toLowerCase()}.png`) });
    });
  }

  it('sends as WhatsApp and shows the channel and type of what it sent', async function () {
    const value = await page.$$eval('#sms-sim-node option', (options) => options.find((o) => o.textContent.endsWith('— Twilio'))?.value);
    await page.selectOption('#sms-sim-node', value);
    await page.selectOption('#sms-sim-channel', 'whatsapp');
    assert.equal(await page.isVisible('#sms-sim-kind'), true, 'on WhatsApp the kind of message can be chosen');
    await page.fill('#sms-sim-text', 'HELP');
    await page.click('#sms-sim-send');
    const meta = page.locator('#sms-sim-thread .sms-sim-sent .sms-sim-meta', { hasText: 'WhatsApp · text' });
    await meta.first().waitFor({ timeout: 15_000 });
    await page.locator('#sms-sim-thread .sms-sim-reply .sms-sim-text', { hasText: HELP_ANSWER }).last().waitFor({ timeout: 15_000 });
    await page.selectOption('#sms-sim-kind', 'location');
    assert.match(await page.getAttribute('#sms-sim-text', 'placeholder'), /latitude, longitude/);
    await page.selectOption('#sms-sim-channel', 'sms');
    assert.equal(await page.isVisible('#sms-sim-kind'), false);
  });

  it('opens the edit dialog of sms in, sms account, sms reply and sms status without console errors', async function () {
    // The Twilio example is on the first tab.
    await page.click('.red-ui-tab:first-child a.red-ui-tab-label');
    // Which node on the open flow has this type: the editor's model knows, the SVG does not say.
    const nodeOf = (type) =>
      page.evaluate((t) => {
        const RED = globalThis.RED;
        const found = [];
        RED.nodes.eachNode((n) => {
          if (n.type === t && n.z === RED.workspaces.active()) found.push(n.id);
        });
        return found[0];
      }, type);

    const openDialog = (id) => openNodeDialog(page, id);
    const cancel = () => cancelDialog(page);

    // A user drags sms status from the palette onto the flow.
    const status = page.locator('.red-ui-palette-node[data-palette-type="sms status"]');
    await status.dragTo(page.locator('#red-ui-workspace-chart'), { targetPosition: { x: 300, y: 450 } });

    for (const type of ['sms in', 'sms reply', 'sms status']) {
      const id = await nodeOf(type);
      assert.ok(id, `an ${type} node on the flow`);
      await openDialog(id);
      await page.screenshot({ path: path.join(OUTPUT, `simulator-3-dialog-${type.replace(' ', '-')}.png`) });
      if (type === 'sms in') {
        // A Twilio account offers no Vonage provider.
        assert.equal(await page.locator('#node-input-provider option[value="vonage-sms"]').isDisabled(), true);
        // The account's own dialog, through the pencil next to it: Twilio fields only.
        await page.click('#node-input-btn-account-edit');
        await page.waitForSelector('#node-config-input-provider', { timeout: 10_000 });
        assert.equal(await page.locator('#node-config-input-authToken').isVisible(), true);
        assert.equal(await page.locator('#node-config-input-signatureSecret').isVisible(), false);
        await page.screenshot({ path: path.join(OUTPUT, 'simulator-3-dialog-sms-account.png') });
        await cancel();
      }
      if (type === 'sms reply') {
        // Text and Media URL can come from msg, flow, global or env.
        assert.equal(await page.locator('.red-ui-tray:last-child .red-ui-typedInput-container').count(), 2);
      }
      if (type === 'sms status') {
        // Two nodes on one path: the dialog says so.
        await page.fill('#node-input-path', '/sms/twilio');
        await page.locator('#sms-status-shared-path').waitFor({ state: 'visible' });
        assert.match(await page.locator('#sms-status-shared-path').textContent(), /sms in \/sms\/twilio/);
        await page.screenshot({ path: path.join(OUTPUT, 'simulator-3-dialog-sms-status-shared-path.png') });
      }
      await cancel();
    }
    assert.deepEqual(consoleErrors, []);
  });

  it('sends a delivery receipt for the last reply to the sms status node the user added', async function () {
    await deploy();
    await page.locator('.sms-sim-url', { hasText: '/sms/status' }).waitFor({ timeout: 10_000 });
    const twilio = await page.$$eval('#sms-sim-node option', (options) => options.find((o) => o.textContent.endsWith('— Twilio'))?.value);
    await page.selectOption('#sms-sim-node', twilio);
    await page.selectOption('#sms-sim-outcome', 'delivered');
    await page.click('#sms-sim-receipt-send');
    await page.locator('#sms-sim-thread .sms-sim-note', { hasText: 'Receipt sent: delivered (Twilio format)' }).waitFor({ timeout: 10_000 });
    // The sms status node counted it: the receipt went through the real endpoint.
    await page.locator('.red-ui-flow-node-status-label', { hasText: '1 delivered' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(OUTPUT, 'simulator-4-receipt.png') });
    assert.deepEqual(consoleErrors, []);
  });
  it('shows the open question of the survey example and answers it as the person', async function () {
    await importExample({ file: '10 Three-question survey', into: 'new' });
    await deploy();
    await page.click('#red-ui-sidebar .red-ui-tab-link-button-menu');
    await page.click('#red-ui-tabs-menu-option-sms-simulator');
    await page.locator('.sms-sim-url', { hasText: '/sms/survey' }).waitFor({ timeout: 10_000 });
    const survey = await page.$$eval('#sms-sim-node option', (options) => options.find((o) => o.textContent.startsWith('sms in /sms/survey'))?.value);
    assert.ok(survey, 'the survey sms in in the list');
    await page.selectOption('#sms-sim-node', survey);
    await page.fill('#sms-sim-from', '+15551230077');
    await page.fill('#sms-sim-text', 'hi');
    await page.click('#sms-sim-send');
    await page.locator('#sms-sim-thread .sms-sim-reply .sms-sim-text', { hasText: '1/3: How did you hear about us?' }).first().waitFor({ timeout: 15_000 });
    const row = page.locator('.sms-questions-row', { hasText: '+15551230077' });
    await row.locator('.sms-questions-text', { hasText: '1/3: How did you hear about us?' }).waitFor({ timeout: 10_000 });
    assert.equal(await row.locator('.sms-questions-node').textContent(), 'question 1');
    await row.locator('.sms-questions-input').fill('A friend');
    await row.locator('.sms-questions-send').click();
    await page.locator('.sms-questions-message', { hasText: '2/3: How would you rate us' }).waitFor({ timeout: 10_000 });
    await page.locator('.sms-questions-row .sms-questions-node', { hasText: 'question 2' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(OUTPUT, 'simulator-5-open-questions.png') });
    // Its edit dialog: Question and Media URL as TypedInputs, the wait in seconds.
    const ask = await page.evaluate(() => {
      let id;
      globalThis.RED.nodes.eachNode((n) => {
        if (n.type === 'sms ask' && n.name === 'question 1') id = n.id;
      });
      return id;
    });
    await openNodeDialog(page, ask);
    assert.equal(await page.locator('.red-ui-tray:last-child .red-ui-typedInput-container').count(), 2);
    assert.equal(await page.inputValue('#node-input-timeout'), '86400');
    await page.screenshot({ path: path.join(OUTPUT, 'simulator-6-dialog-sms-ask.png') });
    await cancelDialog(page);
    assert.deepEqual(consoleErrors, []);
  });
});
