'use strict';
// A free TCP port on 127.0.0.1 in 19200-19299, for a real Node-RED (which cannot be started
// on port 0 through scripts/lib/node-red-home.js).
const net = require('node:net');

function isFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function freePort() {
  const start = 19200 + Math.floor(Math.random() * 100);
  for (let i = 0; i < 100; i++) {
    const port = 19200 + ((start - 19200 + i) % 100);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port in 19200-19299');
}

module.exports = { freePort };
