'use strict';
// Headless Chromium from Debian's package, driven by playwright-core (never a browser
// download). The flags keep it off the network this machine does not have.
const fs = require('node:fs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function chromiumMissing() {
  return fs.existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium`;
}

/** A fresh headless browser. Close it with `browser.close()`. */
async function launchBrowser() {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const { chromium } = require('playwright-core');
  // playwright-core gives each launch a new temporary profile of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

module.exports = { CHROMIUM, chromiumMissing, launchBrowser };
