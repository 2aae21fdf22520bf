'use strict';
// The opt-out list in the SMS sidebar as a person uses it: a real Node-RED with this package,
// a headless Chromium on its editor. A STOP sent from the simulator shows up on the list; a
// number is added, refused without its country code, removed; a CSV is imported, exported,
// and imported again into an emptied list (the round trip). Screenshots go to test-output/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startSession, OUTPUT } = require('./support/session');

const SID = 'AC00000000000000000000000000000077';
const KEY = `twilio:${SID}`;
const FLOWS = [
  { id: 'tab', type: 'tab', label: 'opt-out' },
  { id: 'acct', type: 'sms account', name: 'shop', provider: 'twilio' },
  { id: 'in', type: 'sms in', z: 'tab', name: 'shop in', account: 'acct', provider: 'twilio', path: '/sms/consent', x: 150, y: 100, wires: [['reply']] },
  { id: 'reply', type: 'sms reply', z: 'tab', text: 'You will get no more messages.', x: 400, y: 100, wires: [[]] },
];

describe('Opt-out list in the SMS sidebar (Chromium)', function () {
  this.timeout(180_000);
  let session;
  let page;

  before(async function () {
    session = await startSession({ flows: FLOWS, credentials: { acct: { accountSid: SID, authToken: 'consent-browser-token' } }, prefix: 'sms-consent-' });
    page = await session.open();
  });
  after(async function () {
    if (session) await session.close();
  });
  afterEach(async function () {
    if (this.currentTest.state === 'failed') {
      await session.screenshot(`consent-failed-${Date.now()}`);
      console.log(session.log.join(''));
    }
  });

  const rows = () => page.$$eval('#sms-consent-entries .sms-consent-entry', (els) => els.map((e) => e.getAttribute('data-number')));
  const row = (number) => page.locator(`#sms-consent-entries .sms-consent-entry[data-number="${number}"]`);
  const message = () => page.locator('#sms-consent-message').textContent();

  it('shows the account, and a STOP sent from the simulator lands on its list with why and since', async function () {
    await page.click('#red-ui-sidebar .red-ui-tab-link-button-menu');
    await page.click('#red-ui-tabs-menu-option-sms-simulator');
    await page.waitForSelector(`#sms-consent-account option[value="${KEY}"]`, { state: 'attached', timeout: 15_000 });
    assert.match(await page.locator('#sms-consent-account option:checked').textContent(), /shop — Twilio AC0+77/);
    await page.locator('#sms-consent-entries', { hasText: 'Nobody on this account has opted out.' }).waitFor();

    await page.fill('#sms-sim-from', '+15551230001');
    await page.fill('#sms-sim-text', 'STOP');
    await page.click('#sms-sim-send');
    await page.locator('#sms-sim-thread .sms-sim-reply', { hasText: 'You will get no more messages.' }).waitFor({ timeout: 15_000 });
    // Shown without a refresh: the runtime tells the sidebar of the change.
    await row('+15551230001').waitFor({ timeout: 10_000 });
    assert.match(await row('+15551230001').textContent(), /sent STOP · STOP.*since/);
    await session.screenshot('consent-1-stop');
  });

  it('adds a number typed with spaces, refuses one without a country code, and removes one', async function () {
    await page.fill('#sms-consent-number', '+44 7700 900123');
    await page.fill('#sms-consent-detail', 'asked by phone');
    await page.click('#sms-consent-add');
    await row('+447700900123').waitFor();
    assert.match(await row('+447700900123').textContent(), /added here · asked by phone/);

    await page.fill('#sms-consent-number', '07700 900456');
    const errorsBefore = session.consoleErrors.length;
    await page.click('#sms-consent-add');
    await page.locator('#sms-consent-message.sms-consent-bad', { hasText: 'no country code' }).waitFor();
    // The refusal is a 400, which Chromium logs as a failed resource: expected here, and only here.
    const logged = session.consoleErrors.splice(errorsBefore);
    assert.ok(logged.every((e) => /status of 400/.test(e)), logged.join('\n'));

    await row('+15551230001').locator('.sms-consent-remove').click();
    await row('+15551230001').waitFor({ state: 'detached' });
    assert.deepEqual(await rows(), ['+447700900123']);
    assert.match(await message(), /\+15551230001 taken off the list/);
  });

  it('imports a CSV (bad rows reported), exports the list, and the export imported into an emptied list gives it back', async function () {
    const csv = 'phone,note\n+1 (555) 123-0002,paper form\n00447700900999,\nhello,\n+447700900123,again\n';
    await page.setInputFiles('#sms-consent-file', { name: 'optouts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#sms-consent-message', { hasText: 'Imported: 2 added, 1 already listed, 1 skipped.' }).waitFor();
    assert.match(await message(), /line 4: "hello" is not a phone number/);
    await row('+447700900999').waitFor();
    assert.deepEqual((await rows()).sort(), ['+15551230002', '+447700900123', '+447700900999']);
    assert.match(await row('+15551230002').textContent(), /imported · paper form/);
    await session.screenshot('consent-2-imported');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sms-consent-export')]);
    const file = path.join(OUTPUT, 'consent-export.csv');
    await download.saveAs(file);
    const exported = fs.readFileSync(file, 'utf8');
    const lines = exported.trim().split(/\r\n/);
    assert.equal(lines[0], 'number,since,why,detail');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), ['+15551230002', '+447700900123', '+447700900999']);
    const before = Object.fromEntries(lines.slice(1).map((l) => [l.split(',')[0], l]));

    for (const number of await rows()) {
      await row(number).locator('.sms-consent-remove').click();
      await row(number).waitFor({ state: 'detached' });
    }
    await page.locator('#sms-consent-entries', { hasText: 'Nobody on this account has opted out.' }).waitFor();

    await page.setInputFiles('#sms-consent-file', file);
    await page.locator('#sms-consent-message', { hasText: 'Imported: 3 added, 0 already listed, 0 skipped.' }).waitFor();
    await page.waitForFunction(() => globalThis.document.querySelectorAll('#sms-consent-entries .sms-consent-entry').length === 3);
    assert.deepEqual((await rows()).sort(), ['+15551230002', '+447700900123', '+447700900999']);
    const [again] = await Promise.all([page.waitForEvent('download'), page.click('#sms-consent-export')]);
    const second = fs.readFileSync(await again.path(), 'utf8').trim().split(/\r\n/).slice(1);
    for (const line of second) {
      const [number, since, why, detail] = line.split(',');
      const [, firstSince, , firstDetail] = before[number].split(',');
      assert.equal(since, firstSince, `${number}: since kept through the round trip`);
      assert.equal(why, 'import');
      assert.equal(detail, firstDetail, `${number}: detail kept`);
    }
    await session.screenshot('consent-3-round-trip');
    assert.deepEqual(session.consoleErrors, []);
  });
});
