'use strict';
// A real Node-RED (its own red.js, settings and mounts: editor and node app both at `/`)
// with this package installed as a user installs it, from its `npm pack` tarball (built
// first: npm run build), outside this working tree so nothing resolves from its
// node_modules: one signed Twilio webhook answered with TwiML by sms reply, and one signed
// Vonage Messages webhook replied to through a fake Messages API.
//   node scripts/smoke-real-node-red.js [path/to/node-red]   (run it with the Node to test)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startBenchNodeRed } = require('../bench/node-red-under-load');
const { twilioInbound, vonageMessagesInbound } = require('../bench/signed-requests');
const { ANSWERS, VONAGE_SECRET } = require('../bench/flows');
const { vonageMessagesJwt } = require('../test/support/sign');
const { startFakeProvider } = require('../test/support/fake-provider');
const { freePort } = require('../test/support/free-port');
const { PACKAGE } = require('./lib/node-red-home');

const ROOT = path.resolve(__dirname, '..');

async function main() {
  const nodeRedDir = path.resolve(process.argv[2] || path.join(ROOT, 'node_modules', 'node-red'));
  const version = require(path.join(nodeRedDir, 'package.json')).version;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `node-red-sms-smoke-${version}-`));
  const fake = await startFakeProvider();
  const red = await startBenchNodeRed({
    scratch,
    port: await freePort(),
    fakeProviderUrl: fake.url,
    nodeRedPath: path.join(nodeRedDir, 'red.js'),
    execPath: process.execPath,
    fromTarball: true,
  });
  const failures = [];
  try {
    const installed = path.join(scratch, 'node-red', 'node_modules', ...PACKAGE.name.split('/'));
    if (fs.lstatSync(installed).isSymbolicLink()) failures.push(`${PACKAGE.name} is linked, not installed from its tarball`);
    if (fs.existsSync(path.join(installed, 'src'))) failures.push('the tarball ships src/: it holds more than Node-RED needs');

    const twilio = twilioInbound('/bench/a', 'hours?');
    const res = await fetch(`${red.url}/bench/a`, { method: 'POST', headers: twilio.headers, body: twilio.body });
    const text = await res.text();
    if (res.status !== 200 || !text.includes(`<Message>${ANSWERS.HOURS}</Message>`)) failures.push(`Twilio: ${res.status} ${text}`);

    // Indented JSON: the payload_hash is over these bytes, whatever the editor's parsers do.
    const body = JSON.stringify(JSON.parse(vonageMessagesInbound().body), null, 2);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${vonageMessagesJwt(VONAGE_SECRET, body)}` };
    const v = await fetch(`${red.url}/bench/vonage`, { method: 'POST', headers, body });
    if (v.status !== 200) failures.push(`Vonage Messages: ${v.status} ${await v.text()}`);
    for (let i = 0; i < 50 && fake.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    if (fake.requests.length !== 1) failures.push(`Vonage reply: the fake Messages API got ${fake.requests.length} requests`);
  } finally {
    await red.stop();
    await fake.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const where = `Node-RED ${version} on Node ${process.version}`;
  if (failures.length) {
    console.error(`real Node-RED smoke: FAIL (${where})\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`real Node-RED smoke: PASS (${where}, installed from its npm pack tarball): signed Twilio → TwiML reply, signed Vonage Messages → API reply`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
