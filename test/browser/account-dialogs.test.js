'use strict';
/* global RED, window */ // in page.evaluate: the editor's own globals
// Issue 13, defects 2 and 8, in a real Node-RED and a headless Chromium: the Vonage private key
// pasted into the sms account dialog (several lines, a secret), and what sms reply's Account
// says when it is empty.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startSession, openNodeDialog, closeDialog, cancelDialog } = require('./support/session');
const { PROVIDERS, ACCOUNT_KINDS } = require('../../dist/providers');
const { normalizePath } = require('../../dist/http/webhook-route');

const { privateKey } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const FLOW = [
  { id: 'tab', type: 'tab', label: 'Vonage', disabled: false, info: '' },
  { id: 'acct', type: 'sms account', name: 'Vonage', provider: 'vonage', publicUrl: '', signatureMethod: 'md5hash', apiHost: '' },
  { id: 'in', type: 'sms in', z: 'tab', name: '', account: 'acct', provider: 'auto', path: '/sms/vonage', replyTimeout: 10, x: 150, y: 100, wires: [['reply']] },
  { id: 'reply', type: 'sms reply', z: 'tab', name: '', account: '', text: 'Thanks', textType: 'str', media: '', mediaType: 'str', receipts: '', x: 400, y: 100, wires: [[]] },
];

describe('sms account and sms reply dialogs (Chromium)', function () {
  let session;
  let page;

  before(async function () {
    session = await startSession({ flows: FLOW, prefix: 'sms-dialogs-' });
    page = await session.open();
    await page.locator('[id="reply"] .red-ui-flow-node').waitFor({ timeout: 30_000 });
  });

  after(async function () {
    if (session) await session.close();
  });

  afterEach(async function () {
    if (this.currentTest.state === 'failed' && session) {
      await session.screenshot(`dialogs-failed-${Date.now()}`);
      console.log(session.log.join(''));
    }
  });

  /** The account's dialog, through the pencil next to Account on the sms in node. */
  async function openAccount() {
    await openNodeDialog(page, 'in');
    await page.click('#node-input-btn-account-edit');
    await page.waitForSelector('#node-config-input-provider', { timeout: 10_000 });
  }

  /** The field the Private key label belongs to, as a user finds it. */
  async function privateKeyField() {
    const id = await page.locator('.red-ui-tray:last-child label', { hasText: 'Private key' }).getAttribute('for');
    return page.locator(`[id="${id}"]`);
  }

  it("takes each provider's and account kind's facts from the runtime, and the dialogs offer them", async function () {
    const expected = Object.fromEntries(Object.entries(PROVIDERS).map(([id, p]) => [id, { account: p.account, repliesInAnswer: !!p.reply.inAnswer }]));
    assert.deepEqual(await page.evaluate(() => RED.settings.smsAccountProviders), expected);
    assert.deepEqual(await page.evaluate(() => RED.settings.smsAccountKinds), JSON.parse(JSON.stringify(ACCOUNT_KINDS)));
    await openNodeDialog(page, 'in');
    const offered = await page.locator('#node-input-provider option').evaluateAll((options) => options.map((o) => o.value));
    assert.deepEqual(offered, ['auto', ...Object.keys(PROVIDERS)]);
    await page.click('#node-input-btn-account-edit');
    await page.waitForSelector('#node-config-input-provider', { timeout: 10_000 });
    const kinds = await page.locator('#node-config-input-provider option').evaluateAll((options) => options.map((o) => o.value));
    assert.deepEqual(kinds, ACCOUNT_KINDS.map((k) => k.kind));
    assert.equal(await page.inputValue('#node-config-input-provider'), 'vonage');
    const vonage = ACCOUNT_KINDS.find((k) => k.kind === 'vonage');
    const methods = await page.locator('#node-config-input-signatureMethod option').evaluateAll((options) => options.map((o) => o.value));
    assert.deepEqual(methods, vonage.signatureMethods);
    assert.equal(await page.inputValue('#node-config-input-signatureMethod'), 'md5hash');
    assert.equal(await page.isVisible('#node-config-input-accountSid'), false);
    await page.selectOption('#node-config-input-provider', 'twilio');
    assert.equal(await page.isVisible('#node-config-input-accountSid'), true);
    assert.equal(await page.isVisible('#node-config-input-signatureMethod'), false);
    await cancelDialog(page);
    await cancelDialog(page);
  });

  it('shows the URL the node really listens on: the path normalized as the runtime does (sms//vonage/)', async function () {
    const paths = ['/sms/in', 'sms/in', '/sms/in/', '//sms//in//', '  /sms  ', '/', 'sms//in/'];
    const shown = await page.evaluate((ps) => ps.map((p) => window.SmsEditor.endpointUrl(p)), paths);
    assert.deepEqual(shown, paths.map((p) => session.red.url + normalizePath(p)));
    await openNodeDialog(page, 'in');
    await page.fill('#node-input-path', 'sms//vonage/');
    const url = await page.locator('#sms-in-url').textContent();
    assert.equal(url, `${session.red.url}/sms/vonage`);
    // The deployed node (path /sms/vonage) answers there: a sentence about the body, not Express's 404.
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.notEqual(res.status, 404);
    await cancelDialog(page);
  });

  it('sms reply with an empty Account says it uses the account of sms in, not "none"', async function () {
    await openNodeDialog(page, 'reply');
    const shown = await page.locator('#node-input-account option:checked').textContent();
    assert.equal(shown, '(the account of sms in)');
    await session.screenshot('dialog-sms-reply-account');
    await cancelDialog(page);
  });

  it('takes a pasted multi-line private key and stores it intact through save and deploy', async function () {
    await openAccount();
    await page.fill('#node-config-input-applicationId', 'app-123');
    const field = await privateKeyField();
    await field.fill(privateKey);
    await session.screenshot('dialog-sms-account-private-key');
    await closeDialog(page); // Update (the account)
    await closeDialog(page); // Done (sms in)
    await session.deploy();
    assert.equal(session.savedCredentials().acct.privateKey.trim(), privateKey.trim());
    assert.equal(session.savedCredentials().acct.applicationId, 'app-123');
  });

  it('reopened, shows that a key is saved without showing it, and keeps it when the dialog is saved again', async function () {
    await openAccount();
    const field = await privateKeyField();
    assert.equal(await field.inputValue(), '', 'the saved key is not shown');
    assert.match(await field.getAttribute('placeholder'), /A private key is saved/);
    await page.fill('#node-config-input-name', 'Vonage (renamed)');
    await closeDialog(page);
    await closeDialog(page);
    await session.deploy();
    const saved = session.savedCredentials().acct;
    assert.equal(saved.privateKey.trim(), privateKey.trim());
    assert.equal(session.savedFlows().find((n) => n.id === 'acct').name, 'Vonage (renamed)');
    // The account started with the key without a word about it.
    assert.doesNotMatch(session.log.join(''), /private key of account/);
  });

  it('says in the dialog when what was pasted is not a private key', async function () {
    await openAccount();
    const field = await privateKeyField();
    await field.fill('0d2e6f1c-the-application-id');
    const check = page.locator('#sms-account-private-key-check');
    await check.waitFor({ state: 'visible', timeout: 5_000 });
    assert.match(await check.textContent(), /not a private key.*Vonage dashboard ▸ Applications ▸ your application ▸ Generate public and private key/);
    await cancelDialog(page);
    await cancelDialog(page);
    assert.deepEqual(session.consoleErrors, []);
  });
});
