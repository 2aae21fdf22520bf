'use strict';
// `npm start` as a user runs it: a real Node-RED process on a fresh user directory, the
// printed curl line answered with a keyword reply, and a second start keeping the user's flow.
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const START = path.join(__dirname, '..', 'scripts', 'start.js');
const { freePort } = require('./support/free-port');

let PORT;

/** Runs scripts/start.js until it prints its banner; resolves `{ output, stop() }`. */
function start(userDir) {
  const child = spawn(process.execPath, [START], { env: { ...process.env, PORT: String(PORT), NODE_RED_USER_DIR: userDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no banner within 70 s:\n${output}`)), 70_000);
    const onData = (chunk) => {
      output += chunk;
      if (/Stop with Ctrl\+C/.test(output)) {
        clearTimeout(timer);
        resolve({
          output,
          stop: () =>
            new Promise((done) => {
              child.once('exit', done);
              child.kill('SIGINT');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

/** Once `npm start` has exited, its Node-RED is gone too: nothing answers on its port. */
async function assertNothingListens() {
  const answered = await fetch(`http://127.0.0.1:${PORT}/settings`).then(
    (res) => res.status,
    () => undefined,
  );
  assert.equal(answered, undefined, `after npm start exited, something still answers on port ${PORT} (its Node-RED left running)`);
}

describe('npm start', function () {
  this.timeout(90_000);
  let userDir;
  before(async () => {
    PORT = await freePort();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-red-sms-start-'));
  });
  after(() => fs.rmSync(userDir, { recursive: true, force: true }));

  it('deploys the auto-responders, prints the endpoints, and its curl line gets a keyword reply', async function () {
    const red = await start(userDir);
    try {
      assert.match(red.output, new RegExp(`editor: http://127\\.0\\.0\\.1:${PORT}/`));
      assert.match(red.output, new RegExp(`sms in +twilio +http://127\\.0\\.0\\.1:${PORT}/sms/twilio`));
      assert.match(red.output, new RegExp(`sms in +vonage-messages +http://127\\.0\\.0\\.1:${PORT}/sms/vonage`));
      const curl = red.output.split('\n').find((l) => l.trim().startsWith('curl '));
      assert.ok(curl, 'a curl line is printed');
      const reply = execFileSync('sh', ['-c', curl.trim()], { encoding: 'utf8' });
      assert.match(reply, /<Message>We are open Monday to Friday, 9am to 6pm\.<\/Message>/);
    } finally {
      await red.stop();
    }
    await assertNothingListens();
  });

  it('a second start keeps the flow the user deployed', async function () {
    const flowFile = path.join(userDir, 'flows.json');
    const flows = JSON.parse(fs.readFileSync(flowFile, 'utf8')).filter((n) => !(n.type === 'sms in' && n.path === '/sms/vonage'));
    flows.find((n) => n.type === 'sms in').path = '/sms/mine';
    fs.writeFileSync(flowFile, JSON.stringify(flows));
    const red = await start(userDir);
    try {
      assert.match(red.output, /your flows from/);
      assert.match(red.output, /\/sms\/mine/);
      assert.doesNotMatch(red.output, /\/sms\/vonage\s/);
    } finally {
      await red.stop();
    }
    await assertNothingListens();
  });
});
