'use strict';
// The outbound queue in the SMS sidebar as a person uses it: a real Node-RED with this
// package, a headless Chromium on its editor. A reminder scheduled an hour ahead by sms send
// shows under its account (to, when due, which node); pausing and resuming show on the
// account; Clear (confirmed) empties the queue and the sms send node reports it not sent
// (cleared). Screenshots go to test-output/.
const assert = require('node:assert/strict');
const { startSession } = require('./support/session');

const SID = 'AC00000000000000000000000000000078';
const TOKEN = 'queue-browser-token';
const FLOWS = [
  { id: 'tab', type: 'tab', label: 'reminders' },
  // Nothing listens there: the reminder is scheduled, never sent in this test.
  { id: 'acct', type: 'sms account', name: 'clinic', provider: 'twilio', apiHost: 'http://127.0.0.1:9' },
  {
    id: 'go', type: 'inject', z: 'tab', name: 'book', once: true, onceDelay: 0.5, repeat: '', topic: '', payload: '', payloadType: 'date',
    props: [{ p: 'payload' }], x: 120, y: 100, wires: [['when']],
  },
  {
    id: 'when', type: 'function', z: 'tab', name: 'in an hour', outputs: 1, x: 300, y: 100, wires: [['send']],
    func: "msg.to = '+15551230042';\nmsg.sendAt = Date.now() + 3600000;\nreturn msg;",
  },
  { id: 'send', type: 'sms send', z: 'tab', name: 'reminder', account: 'acct', from: '+15557650002', to: 'to', toType: 'msg', text: 'See you at 3pm', textType: 'str', x: 480, y: 100, wires: [[], []] },
];

describe('Outbound queue in the SMS sidebar (Chromium)', function () {
  this.timeout(180_000);
  let session;
  let page;

  before(async function () {
    session = await startSession({ flows: FLOWS, credentials: { acct: { accountSid: SID, authToken: TOKEN } }, prefix: 'sms-queue-' });
    page = await session.open();
  });
  after(async function () {
    if (session) await session.close();
  });
  afterEach(async function () {
    if (this.currentTest.state === 'failed') {
      await session.screenshot(`queue-failed-${Date.now()}`);
      console.log(session.log.join(''));
    }
  });

  const account = () => page.locator('#sms-queue-accounts .sms-queue-account[data-account="acct"]');
  const counts = () => account().locator('.sms-queue-counts');

  it('shows the scheduled reminder under its account: to, when due, the node that queued it, never the token', async function () {
    await page.click('#red-ui-sidebar .red-ui-tab-link-button-menu');
    await page.click('#red-ui-tabs-menu-option-sms-simulator');
    const job = account().locator('.sms-queue-job[data-to="+15551230042"]');
    await job.waitFor({ timeout: 15_000 });
    assert.match(await account().locator('.sms-queue-name').textContent(), /clinic · Twilio/);
    assert.equal(await counts().textContent(), '0 waiting · 0 sending · 1 scheduled');
    assert.equal(await job.locator('.sms-queue-text').textContent(), 'See you at 3pm');
    assert.match(await job.locator('.sms-queue-due').textContent(), /^due /);
    assert.equal(await job.locator('.sms-queue-node').textContent(), 'reminder');
    assert.doesNotMatch(await page.locator('#sms-queue').textContent(), new RegExp(TOKEN));
    await session.screenshot('queue-1-scheduled');
  });

  it('pauses and resumes the account', async function () {
    await account().locator('.sms-queue-pause').click();
    await account().locator('.sms-queue-badge', { hasText: 'paused' }).waitFor({ timeout: 10_000 });
    await page.locator('#sms-queue-message', { hasText: 'Sending for clinic is paused.' }).waitFor();
    await account().locator('.sms-queue-pause', { hasText: 'Resume' }).click();
    await page.locator('#sms-queue-message', { hasText: 'Sending for clinic goes on.' }).waitFor();
    await account().locator('.sms-queue-badge').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('clears it after a confirmation: the queue is empty and sms send reports the reminder not sent (cleared)', async function () {
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      return dialog.accept();
    });
    await account().locator('.sms-queue-clear').click();
    await page.locator('#sms-queue-message', { hasText: '1 message(s) removed from the queue of clinic.' }).waitFor({ timeout: 10_000 });
    assert.match(asked, /Remove 1 message\(s\) waiting or scheduled for clinic\?/);
    await account().locator('.sms-queue-empty', { hasText: 'Nothing queued.' }).waitFor({ timeout: 10_000 });
    assert.equal(await counts().textContent(), '0 waiting · 0 sending · 0 scheduled');
    assert.equal(await account().locator('.sms-queue-job').count(), 0);
    // The node's status on the canvas: the cleared reminder counted as not sent, with its reason.
    const status = page.locator('#red-ui-workspace-chart .red-ui-flow-node-status-label', { hasText: 'not sent 1 (cleared)' });
    await status.waitFor({ timeout: 10_000 });
    await session.screenshot('queue-2-cleared');
  });
});
