#!/usr/bin/env node
'use strict';
// `npm start`: a real Node-RED (from devDependencies) with this package installed as a
// module, its user directory in .node-red/ (gitignored). The first start deploys the
// Twilio and Vonage keyword auto-responders; later starts keep whatever the user deployed.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, prepareUserDir, startNodeRed, exampleOnTab } = require('./lib/node-red-home');
const { endpointsOf, curlFor } = require('./lib/endpoints');

/** The examples deployed on first start, one tab each. */
const FIRST_FLOWS = [
  ['Twilio auto-responder', '01 Keyword auto-responder - Twilio'],
  ['Vonage auto-responder', '02 Keyword auto-responder - Vonage Messages API'],
];

function firstFlows() {
  return FIRST_FLOWS.flatMap(([label, file]) => exampleOnTab(file, { id: `tab-${file.slice(0, 2)}`, label }));
}

async function main() {
  // Ctrl+C is taken before anything starts. Taken only after the banner, a SIGINT that came
  // in between killed this process and left Node-RED running without it.
  let red;
  let stopping = false;
  const stop = () => {
    stopping = true;
    if (red) red.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const port = Number(process.env.PORT || 1880);
  const userDir = process.env.NODE_RED_USER_DIR || path.join(ROOT, '.node-red');
  const { createdFlows } = prepareUserDir(userDir, { flows: firstFlows() });
  try {
    red = await startNodeRed({ userDir, port });
  } catch (err) {
    // Stopped while starting (Ctrl+C reaches Node-RED too): nothing failed.
    if (stopping) process.exit(0);
    throw err;
  }
  red.child.once('exit', (code) => process.exit(code ?? 0));
  if (stopping) return stop();
  const flows = JSON.parse(fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8'));
  const endpoints = endpointsOf(flows, red.url);
  const lines = [
    '',
    `node-red-sms is running in Node-RED — editor: ${red.url}/`,
    createdFlows ? '  (first start: the Twilio and Vonage keyword auto-responders are deployed)' : `  (your flows from ${path.relative(process.cwd(), userDir) || userDir})`,
    '',
    endpoints.length ? 'Endpoints:' : 'No sms in or sms status node is deployed yet.',
    ...endpoints.map((e) => `  ${e.type.padEnd(10)} ${e.provider.padEnd(15)} ${e.url}`),
  ];
  const curl = curlFor(endpoints);
  if (curl) lines.push('', 'Send a test SMS and get the keyword reply:', `  ${curl}`);
  lines.push('', 'Stop with Ctrl+C.', '');
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});
