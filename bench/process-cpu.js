'use strict';
// CPU time a process has used (user + system), from /proc: on a shared machine the CPU
// each request costs the server is steadier than its requests per second.
const fs = require('node:fs');

const TICKS_PER_S = 100; // USER_HZ on Linux

/** Milliseconds of CPU used so far by `pid`, or NaN where /proc is not available. */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

module.exports = { cpuMs };
