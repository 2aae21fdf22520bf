'use strict';
// A real redis-server (Debian's package) on a free port, saving nothing, stopped by pid.
const { spawn } = require('node:child_process');
const net = require('node:net');

const REDIS_SERVER = process.env.REDIS_SERVER || '/usr/bin/redis-server';

function ephemeralPort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function launch(port) {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-300)}`)));
  });
}

/**
 * Starts redis-server; `stop()` ends it (SIGTERM, then SIGKILL), `pause()`/`resume()`
 * freeze it (SIGSTOP/SIGCONT) to play a server that stopped answering, `restart()`
 * starts a new one on the same port (empty: it saves nothing).
 */
async function startRedis({ port: wanted } = {}) {
  let lastError;
  for (let attempt = 0; attempt < (wanted ? 1 : 5); attempt++) {
    const port = wanted ?? (await ephemeralPort());
    try {
      let child = await launch(port);
      const server = {
        port,
        url: `redis://127.0.0.1:${port}/0`,
        get pid() {
          return child.pid;
        },
        pause() {
          process.kill(child.pid, 'SIGSTOP');
        },
        resume() {
          process.kill(child.pid, 'SIGCONT');
        },
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const done = exited(child);
          process.kill(child.pid, 'SIGCONT');
          process.kill(child.pid, 'SIGTERM');
          const timer = setTimeout(() => child.signalCode === null && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
          await done;
          clearTimeout(timer);
        },
        async restart() {
          await server.stop();
          child = await launch(port);
        },
      };
      return server;
    } catch (err) {
      lastError = err; // the port was taken between the probe and the start: try another
    }
  }
  throw lastError;
}

module.exports = { startRedis, ephemeralPort };
