'use strict';
// A TCP server on 127.0.0.1 that takes connections and never says a word: to an https
// client, a TLS handshake that never completes, so no byte of its HTTP request can leave.
const net = require('node:net');

async function startSilentServer() {
  const sockets = new Set();
  /** The first bytes each connection sent, in order. */
  const firstBytes = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('data', (chunk) => firstBytes.push(chunk[0]));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  let connections = 0;
  server.on('connection', () => (connections += 1));
  return {
    url: `https://127.0.0.1:${server.address().port}`,
    get connections() {
      return connections;
    },
    firstBytes,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startSilentServer };
