'use strict';
/* global RED, document */ // in page.evaluate: the editor's own globals
// What stopped a new user on the way to a real number, in a real Node-RED and headless
// Chromium at 1280×800: refused webhooks on the canvas, URLs that cannot work, an account of
// another provider, two nodes on one path, and the SMS sidebar. Screenshots: test-output/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchBrowser } = require('../../scripts/lib/browser');
const { dismissPopups } = require('../../scripts/lib/editor');
const { ROOT, prepareUserDir, startNodeRed, exampleOnTab } = require('../../scripts/lib/node-red-home');
const { freePort } = require('../support/free-port');
const { cancelDialog: cancelTray } = require('./support/session');

const OUTPUT = path.join(ROOT, 'test-output');
const TUNNEL = 'https://a-very-long-tunnel-name-1234567890.example-tunnel-provider.app';
const IN_01 = '01d00aeeeeeeeeee';
const ACCOUNT_01 = '01ac01eeeeeeeeee';
const STATUS_02 = '02d10deeeeeeeeee';

const flows = [
  ...exampleOnTab('01 Keyword auto-responder - Twilio', { id: 't1', label: 'Twilio auto-responder' }),
  ...exampleOnTab('02 Keyword auto-responder - Vonage Messages API', { id: 't2', label: 'Vonage auto-responder' }),
  { id: 't3', type: 'tab', label: 'Checks' },
  // The webhook URL itself pasted as Public URL: the path must not be added twice.
  { id: 'acct-tunnel', type: 'sms account', name: 'Tunnel', provider: 'twilio', publicUrl: `${TUNNEL}/sms/long-path` },
  { id: 'in-tunnel', type: 'sms in', z: 't3', name: 'via tunnel', account: 'acct-tunnel', provider: 'twilio', path: '/sms/tunnel/with/a/rather/long/path/for/the/sidebar', x: 200, y: 80, wires: [[]] },
  // A Twilio account on a node set to Vonage SMS API.
  { id: 'in-wrong', type: 'sms in', z: 't3', name: 'wrong provider', account: ACCOUNT_01, provider: 'vonage-sms', path: '/sms/wrong', x: 200, y: 180, wires: [[]] },
  { id: 'st-twilio', type: 'sms status', z: 't3', name: 'Twilio receipts', account: ACCOUNT_01, provider: 'auto', path: '/sms/twilio-status', x: 200, y: 280, wires: [[]] },
  // Two nodes on one path, on two tabs.
  { id: 't4', type: 'tab', label: 'Orders' },
  { id: 'in-orders', type: 'sms in', z: 't4', name: 'orders', provider: 'auto', path: '/sms/orders', x: 200, y: 80, wires: [[]] },
  { id: 't5', type: 'tab', label: 'Order receipts' },
  { id: 'st-orders', type: 'sms status', z: 't5', provider: 'auto', path: '/sms/orders', x: 200, y: 80, wires: [[]] },
];
const credentials = { [ACCOUNT_01]: { accountSid: 'AC00000000000000000000000000000042', authToken: 'browser-test-token' } };

describe('what a new user meets on the way to a real number (Chromium, 1280×800)', function () {
  let red;
  let browser;
  let page;
  let userDir;
  const consoleErrors = [];
  const log = [];

  before(async function () {
    fs.mkdirSync(OUTPUT, { recursive: true });
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-new-user-'));
    // Plain credentials (credentialSecret: false), so the test can give the example's account
    // its auth token as the dialog would; no palette catalogue (this machine has no internet).
    fs.writeFileSync(
      path.join(userDir, 'settings.js'),
      `module.exports = {
  flowFile: 'flows.json',
  credentialSecret: false,
  uiHost: '127.0.0.1',
  telemetry: { enabled: false, updateNotification: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  editorTheme: { projects: { enabled: false }, tours: false, palette: { catalogues: [] } },
};
`,
    );
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
    prepareUserDir(userDir, { flows });
    red = await startNodeRed({ userDir, port: await freePort(), stdio: ['ignore', 'pipe', 'pipe'] });
    red.child.stdout.on('data', (d) => log.push(String(d)));
    red.child.stderr.on('data', (d) => log.push(String(d)));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await page.goto(`${red.url}/`);
    await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node[id="${IN_01}"]`).waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    await dismissPopups(page);
  });

  after(async function () {
    if (browser) await browser.close();
    if (red) await red.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest.state === 'failed' && page) {
      await page.screenshot({ path: path.join(OUTPUT, `new-user-failed-${Date.now()}.png`) });
      console.log(log.join(''));
    }
  });

  const shot = (name) => page.screenshot({ path: path.join(OUTPUT, `new-user-${name}.png`) });

  async function showTab(id) {
    await page.evaluate((tab) => RED.workspaces.show(tab), id);
    await page.waitForTimeout(300);
  }

  /** The status under a node on the canvas, once its text matches. */
  async function canvasStatus(id, text) {
    const node = page.locator(`#red-ui-workspace-chart g.red-ui-flow-node[id="${id}"]`);
    await node.locator('.red-ui-flow-node-status-label', { hasText: text }).waitFor({ timeout: 15_000 });
    return {
      text: (await node.locator('.red-ui-flow-node-status-label').textContent()).trim(),
      shape: await node.locator('.red-ui-flow-node-status').getAttribute('class'),
    };
  }

  async function openDialog(id) {
    await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId)), id);
    await page.waitForSelector('.red-ui-tray .red-ui-tray-body form', { timeout: 10_000 });
    await page.waitForTimeout(300);
  }

  const cancelDialog = () => cancelTray(page);

  async function showSidebar() {
    await page.evaluate(() => RED.sidebar.show('sms-simulator'));
    await page.waitForSelector('.sms-sim-endpoint', { timeout: 10_000 });
  }

  async function sendFromSidebar(nodeId, text) {
    await page.selectOption('#sms-sim-node', nodeId);
    const before = await page.locator('#sms-sim-thread > *').count();
    await page.fill('#sms-sim-text', text);
    await page.click('#sms-sim-send');
    // The sent bubble, then what came back: a reply or a note.
    await page.waitForFunction((n) => document.querySelectorAll('#sms-sim-thread > *').length >= n + 2, before, { timeout: 15_000 });
    await page.waitForTimeout(300);
    return page.locator('#sms-sim-thread > *').nth(before + 1).textContent();
  }

  /** The pane fits the sidebar: no sideways scrolling anywhere in it, every copy button inside. */
  async function assertFitsSidebar(when) {
    const layout = await page.evaluate(() => {
      const pane = document.querySelector('.sms-sim');
      const box = pane.getBoundingClientRect();
      const scrolled = [];
      for (let el = pane; el && el !== document.body; el = el.parentElement) {
        if (el.scrollLeft !== 0 || (el === pane && el.scrollWidth > el.clientWidth)) scrolled.push(`${el.className} ${el.scrollLeft} ${el.scrollWidth}/${el.clientWidth}`);
      }
      const outside = [...pane.querySelectorAll('.sms-sim-copy, button, select')]
        .map((el) => ({ id: el.id || el.className, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1))
        .map(({ id, r }) => `${id} ${Math.round(r.left)}-${Math.round(r.right)} outside ${Math.round(box.left)}-${Math.round(box.right)}`);
      return { scrolled, outside };
    });
    assert.deepEqual(layout.scrolled, [], `${when}: the pane scrolls sideways`);
    assert.deepEqual(layout.outside, [], `${when}: buttons off the sidebar`);
  }

  it('a refused webhook shows on the canvas: yellow ring naming the reason, counts kept, and a warning naming the URL checked', async function () {
    await showTab('t1');
    // The README's unsigned curl, with the example's auth token set.
    const res = await fetch(`${red.url}/sms/twilio`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'MessageSid=SM0001&From=%2B15551230001&To=%2B15557650002&Body=HOURS',
    });
    assert.equal(res.status, 403);
    const status = await canvasStatus(IN_01, '403 unsigned request');
    assert.equal(status.text, '403 unsigned request · 1 rejected');
    assert.match(status.shape, /red-ui-flow-node-status-ring-yellow/);
    await page.evaluate(() => RED.sidebar.show('debug'));
    const warning = page.locator('.red-ui-debug-msg', { hasText: 'refused a request (HTTP 403): signature check failed: missing X-Twilio-Signature' });
    await warning.first().waitFor({ timeout: 10_000 });
    // The debug sidebar shortens long texts; the log has the whole warning.
    assert.ok(log.join('').includes(`missing X-Twilio-Signature header — the signature was checked against ${red.url}/sms/twilio`), log.join(''));
    await shot('1-refused');
  });

  it('the sms in and sms status dialogs say when the URL to paste is local, and Public URL takes no path', async function () {
    await openDialog(IN_01);
    assert.equal(await page.locator('#sms-in-url').textContent(), `${red.url}/sms/twilio`);
    assert.equal(await page.locator('#sms-in-local').isVisible(), true);
    assert.match(await page.locator('#sms-in-local').textContent(), /Twilio and Vonage cannot reach this address.*Public URL.*README: "Connect a real number"/);
    await shot('2-local-url');
    await cancelDialog();

    await openDialog('st-twilio');
    assert.equal(await page.locator('#sms-status-local').isVisible(), true);
    await cancelDialog();

    // An account whose Public URL is the webhook URL itself: the path is not added twice.
    await openDialog('in-tunnel');
    assert.equal(await page.locator('#sms-in-url').textContent(), `${TUNNEL}/sms/tunnel/with/a/rather/long/path/for/the/sidebar`);
    assert.equal(await page.locator('#sms-in-local').isVisible(), false);
    await page.click('#node-input-btn-account-edit');
    await page.waitForSelector('#node-config-input-publicUrl', { timeout: 10_000 });
    await page.waitForTimeout(300);
    const note = page.locator('#sms-account-publicUrl-note');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.textContent(), /Public URL is the scheme and host only.*"\/sms\/long-path" would be added twice/);
    assert.match(await page.locator('#node-config-input-publicUrl').getAttribute('class'), /input-error/);
    await shot('3-public-url-path');
    await page.click('#sms-account-publicUrl-strip');
    assert.equal(await page.locator('#node-config-input-publicUrl').inputValue(), TUNNEL);
    assert.equal(await note.isVisible(), false);
    await cancelDialog();
    await cancelDialog();
  });

  it('a Twilio account on a Vonage sms in: the dialog explains instead of switching to Detect, the node and the sidebar say so', async function () {
    await showTab('t3');
    const status = await canvasStatus('in-wrong', 'Twilio account');
    assert.equal(status.text, 'Twilio account, Vonage SMS API provider');
    assert.match(status.shape, /ring-red/);
    await openDialog('in-wrong');
    assert.equal(await page.locator('#node-input-provider').inputValue(), 'vonage-sms', 'the saved provider is kept');
    const mismatch = page.locator('#sms-in-mismatch');
    assert.equal(await mismatch.isVisible(), true);
    assert.match(await mismatch.textContent(), /The account "Twilio" is a Twilio account, but Provider is Vonage SMS API.*Set Provider to Twilio or "Detect from the request"/);
    await shot('4-mismatch-dialog');
    // Picking a provider that fits makes the note go.
    await page.selectOption('#node-input-provider', 'twilio');
    assert.equal(await mismatch.isVisible(), false);
    await cancelDialog();

    await showSidebar();
    const row = page.locator('.sms-sim-endpoint[data-node="in-wrong"] .sms-sim-problem');
    assert.match(await row.textContent(), /is for Twilio, but its provider is Vonage SMS API/);
    const answer = await sendFromSidebar('in-wrong', 'HELP');
    assert.match(answer, /the node answered HTTP 503: this node's account "Twilio" is for Twilio, but its provider is Vonage SMS API/);
    await shot('5-mismatch-sidebar');
  });

  it('two nodes on one path: both canvas statuses and the sidebar say so, with the tab names', async function () {
    await showTab('t4');
    const orders = await canvasStatus('in-orders', 'path shared');
    assert.equal(orders.text, 'path shared with sms status /sms/orders on tab "Order receipts"');
    assert.match(orders.shape, /ring-yellow/);
    await showTab('t5');
    assert.equal((await canvasStatus('st-orders', 'path shared')).text, 'path shared with sms in "orders" on tab "Orders"');
    await showSidebar();
    assert.match(await page.locator('.sms-sim-endpoint[data-node="in-orders"] .sms-sim-shared').textContent(), /sms status on tab "Order receipts"/);
    assert.match(await page.locator('.sms-sim-endpoint[data-node="st-orders"] .sms-sim-shared').textContent(), /sms in "orders" on tab "Orders"/);
    await shot('6-shared-path');
  });

  it('simulator: STOP and START get "no reply sent", not "No reply yet" or "did not understand"', async function () {
    await showTab('t1');
    await showSidebar();
    for (const text of ['STOP', 'START']) {
      const answer = await sendFromSidebar(IN_01, text);
      assert.equal(answer, 'No reply sent: the flow answered without one.', text);
    }
    const vonage = await page.$$eval('#sms-sim-node option', (o) => o.find((x) => x.textContent.endsWith('— Vonage Messages API')).value);
    assert.equal(await sendFromSidebar(vonage, 'STOP'), 'No reply sent: the flow answered without one.');
    assert.equal(await page.locator('#sms-sim-thread', { hasText: 'did not understand' }).count(), 0);
    assert.equal(await page.locator('#sms-sim-thread', { hasText: 'No reply yet' }).count(), 0);
    await shot('7-no-reply-sent');
  });

  it('simulator: a receipt is offered only to sms status nodes of the reply\'s provider; the pane never scrolls sideways', async function () {
    await showSidebar();
    await assertFitsSidebar('with long URLs listed');
    const offered = () => page.$$eval('#sms-sim-status option', (o) => o.map((x) => x.value).sort());
    await sendFromSidebar(IN_01, 'HELP');
    assert.deepEqual(await offered(), ['st-orders', 'st-twilio'], 'a Twilio reply: the Twilio and the detecting sms status');
    await page.selectOption('#sms-sim-status', 'st-twilio');
    await page.click('#sms-sim-receipt-send');
    await page.locator('#sms-sim-thread .sms-sim-note', { hasText: 'Receipt sent: delivered (Twilio format)' }).waitFor({ timeout: 10_000 });
    await assertFitsSidebar('after Send receipt');
    await shot('8-receipt-twilio');

    const vonage = await page.$$eval('#sms-sim-node option', (o) => o.find((x) => x.textContent.endsWith('— Vonage Messages API')).value);
    await sendFromSidebar(vonage, 'HELP');
    assert.deepEqual(await offered(), [STATUS_02, 'st-orders'], 'a Vonage reply: the Vonage and the detecting sms status');
    await page.selectOption('#sms-sim-status', STATUS_02);
    await page.click('#sms-sim-receipt-send');
    await page.locator('#sms-sim-thread .sms-sim-note', { hasText: 'Receipt sent: delivered (Vonage Messages API format)' }).waitFor({ timeout: 10_000 });
    await assertFitsSidebar('after a second receipt');
  });

  it('examples 01 and 02: no status text or wire runs over another node', async function () {
    for (const tab of ['t1', 't2']) {
      await showTab(tab);
      if (tab === 't2') {
        // A receipt came in, then a request that is not one: the status text as long as it gets.
        await fetch(`${red.url}/sms/vonage-status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' });
        await canvasStatus(STATUS_02, '1 delivered · 1 rejected');
      }
      const clashes = await page.evaluate((z) => {
        const rects = [];
        RED.nodes.eachNode((n) => {
          if (n.z !== z) return;
          const el = document.querySelector(`#red-ui-workspace-chart g.red-ui-flow-node[id="${n.id}"] .red-ui-flow-node`);
          if (el) rects.push({ id: n.name || n.type, box: el.getBoundingClientRect() });
        });
        const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const found = [];
        const labels = [];
        RED.nodes.eachNode((n) => {
          if (n.z !== z) return;
          const label = document.querySelector(`#red-ui-workspace-chart g.red-ui-flow-node[id="${n.id}"] .red-ui-flow-node-status-label`);
          if (!label || !label.textContent) return;
          const box = label.getBoundingClientRect();
          for (const r of rects) if (r.id !== (n.name || n.type) && overlaps(box, r.box)) found.push(`status of ${n.name || n.type} over ${r.id}`);
          // The status text reaches as far as the node's status icon plus the text.
          for (const other of labels) if (overlaps(box, other.box)) found.push(`status of ${n.name || n.type} over the status of ${other.id}`);
          labels.push({ id: n.name || n.type, box });
        });
        // A wire crossing a node other than its two ends: sample points along each path.
        for (const link of document.querySelectorAll('#red-ui-workspace-chart g.red-ui-flow-link')) {
          const d = link.__data__;
          const pathEl = link.querySelector('path.red-ui-flow-link-line') || link.querySelector('path');
          if (!d || !pathEl) continue;
          const ends = new Set([d.source.name || d.source.type, d.target.name || d.target.type]);
          const ctm = pathEl.getScreenCTM();
          const length = pathEl.getTotalLength();
          for (let at = 0; at <= length; at += 4) {
            const p = pathEl.getPointAtLength(at);
            const x = ctm.a * p.x + ctm.e;
            const y = ctm.d * p.y + ctm.f;
            const hit = rects.find((r) => !ends.has(r.id) && x > r.box.left && x < r.box.right && y > r.box.top && y < r.box.bottom);
            if (hit) {
              found.push(`wire ${[...ends].join(' → ')} over ${hit.id}`);
              break;
            }
          }
        }
        return found;
      }, tab);
      assert.deepEqual(clashes, [], `tab ${tab}`);
    }
    await shot('9-example-02');
  });

  it('logs no error to the browser console', function () {
    assert.deepEqual(consoleErrors, []);
  });
});
