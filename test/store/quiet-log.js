'use strict';
// A log for stores under test: keeps the lines so tests can read what was said.
function quietLog() {
  const lines = [];
  return { lines, info: (m) => lines.push(['info', m]), warn: (m) => lines.push(['warn', m]) };
}

module.exports = { quietLog };
