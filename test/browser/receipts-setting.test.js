'use strict';
/* global RED */ // in page.evaluate: the editor's own global
// Issue 13, defect 1: a 0.1.x flow saved the Receipts-to choice of sms reply as `status`, the
// name of the editor's status dot: once the node had replied, the next deploy saved the dot
// instead, and receipts stopped. Here a real Node-RED and a headless Chromium go through it.
const assert = require('node:assert/strict');
const { startSession, openNodeDialog, cancelDialog } = require('./support/session');

const PUBLIC = 'https://sms.example.test';
const RESERVED = ['status', 'x', 'y', 'z', 'wires', 'type', 'id', 'g', 'd', 'l', 'info'];

/** A 0.1.x flow: sms in → sms reply, whose `status` names the sms status node. */
function oldFlow(prefix, { tab = true } = {}) {
  return [
    ...(tab ? [{ id: `${prefix}-tab`, type: 'tab', label: `old ${prefix}`, disabled: false, info: '' }] : []),
    { id: `${prefix}-acct`, type: 'sms account', name: `old ${prefix}`, provider: 'twilio', publicUrl: PUBLIC },
    { id: `${prefix}-in`, type: 'sms in', z: `${prefix}-tab`, name: '', account: `${prefix}-acct`, provider: 'auto', path: `/sms/${prefix}`, replyTimeout: 10, x: 150, y: 100, wires: [[`${prefix}-reply`]] },
    { id: `${prefix}-reply`, type: 'sms reply', z: `${prefix}-tab`, name: '', account: '', text: 'Thanks', textType: 'str', media: '', mediaType: 'str', status: `${prefix}-st`, x: 400, y: 100, wires: [[]] },
    { id: `${prefix}-st`, type: 'sms status', z: `${prefix}-tab`, name: '', account: `${prefix}-acct`, provider: 'auto', path: `/sms/${prefix}-status`, finalOnly: false, x: 150, y: 200, wires: [[]] },
  ];
}

function inbound(i) {
  return new URLSearchParams({ MessageSid: `SM${String(i).padStart(32, '0')}`, From: '+14155550100', To: '+14155550199', Body: 'hi' });
}

describe('sms reply Receipts to, from a 0.1.x flow (Chromium)', function () {
  let session;
  let page;
  let sent = 0;

  before(async function () {
    session = await startSession({ flows: oldFlow('upgraded'), prefix: 'sms-receipts-' });
    page = await session.open();
  });

  after(async function () {
    if (session) await session.close();
  });

  afterEach(async function () {
    if (this.currentTest.state === 'failed' && session) {
      await session.screenshot(`receipts-failed-${Date.now()}`);
      console.log(session.log.join(''));
    }
  });

  /** Texts `prefix`'s sms in (no auth token: unsigned is accepted) and returns the TwiML. */
  async function textIt(prefix) {
    const res = await fetch(`${session.red.url}/sms/${prefix}`, { method: 'POST', body: inbound(++sent) });
    assert.equal(res.status, 200);
    return res.text();
  }

  /** Waits until the editor shows `replied` under the sms reply node: its status dot is set. */
  async function waitForReplied(prefix) {
    await page.locator(`[id="${prefix}-reply"] .red-ui-flow-node-status-label`, { hasText: 'replied' }).waitFor({ timeout: 15_000 });
  }

  /** A change somewhere else on the flow (the sms in node nudged with the arrow keys), then Deploy. */
  async function moveSmsInAndDeploy(prefix) {
    await page.click(`[id="${prefix}-in"] .red-ui-flow-node`);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.waitForSelector('#red-ui-header-button-deploy:not(.disabled)', { timeout: 5_000 });
    await session.deploy();
  }

  function savedReply(prefix) {
    return session.savedFlows().find((n) => n.id === `${prefix}-reply`);
  }

  it('declares no setting under a name Node-RED keeps for itself', async function () {
    const clashes = await page.evaluate((reserved) => {
      const found = [];
      for (const type of ['sms account', 'sms in', 'sms reply', 'sms status']) {
        const def = RED.nodes.getType(type);
        for (const key of [...Object.keys(def.defaults || {}), ...Object.keys(def.credentials || {})]) {
          if (reserved.includes(key)) found.push(`${type}: ${key}`);
        }
      }
      return found;
    }, RESERVED);
    assert.deepEqual(clashes, []);
  });

  it('a flow file from 0.1.x: after a reply and a deploy without opening the dialog, the file holds receipts', async function () {
    // The runtime reads the old setting: the TwiML asks Twilio for receipts at the sms status URL.
    assert.match(await textIt('upgraded'), new RegExp(`<Message action="${PUBLIC}/sms/upgraded-status" method="POST">Thanks</Message>`));
    await waitForReplied('upgraded');
    await moveSmsInAndDeploy('upgraded');

    const saved = savedReply('upgraded');
    assert.equal(saved.receipts, 'upgraded-st');
    assert.equal('status' in saved, false, `no status on the saved node: ${JSON.stringify(saved.status)}`);
    // Deployed from the new setting, the reply still asks for receipts.
    assert.match(await textIt('upgraded'), /<Message action="https:\/\/sms\.example\.test\/sms\/upgraded-status"/);
  });

  it('after a reload the dialog shows the sms status node as Receipts to', async function () {
    await waitForReplied('upgraded');
    page = await session.open();
    await page.locator('[id="upgraded-reply"] .red-ui-flow-node').waitFor({ timeout: 30_000 });
    await openNodeDialog(page, 'upgraded-reply');
    assert.equal(await page.locator('#node-input-receipts').inputValue(), 'upgraded-st');
    await session.screenshot('receipts-dialog-after-reload');
    await cancelDialog(page);
  });

  it('a 0.1.x flow imported from the clipboard keeps its receipts through a reply and a deploy', async function () {
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-import');
    await page.fill('#red-ui-clipboard-dialog-import-text', JSON.stringify(oldFlow('pasted')));
    await page.press('#red-ui-clipboard-dialog-import-text', 'End'); // the dialog checks the JSON on keyup
    await page.click('#red-ui-clipboard-dialog-ok');
    await page.click('.red-ui-tab:has-text("old pasted") a.red-ui-tab-label');
    await page.locator('[id="pasted-reply"] .red-ui-flow-node').waitFor({ timeout: 15_000 });
    await session.deploy();
    assert.match(await textIt('pasted'), /<Message action="https:\/\/sms\.example\.test\/sms\/pasted-status"/);
    await waitForReplied('pasted');
    await moveSmsInAndDeploy('pasted');

    const saved = savedReply('pasted');
    assert.equal(saved.receipts, 'pasted-st');
    assert.equal('status' in saved, false, `no status on the saved node: ${JSON.stringify(saved.status)}`);
    assert.deepEqual(session.consoleErrors, []);
  });
});
