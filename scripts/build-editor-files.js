#!/usr/bin/env node
'use strict';
// The second half of `npm run build`: tsc emits the JavaScript into dist/, and this copies
// what the editor needs beside it — each node's .html and locales/, and the shared icons
// into every node folder (Node-RED looks for icons next to a node's .js file).
const fs = require('node:fs');
const path = require('node:path');

const SRC = path.join(__dirname, '..', 'src');
const DIST = path.join(__dirname, '..', 'dist');
const ICONS = path.join(SRC, 'nodes', 'icons');

function copyEditorFiles(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (source === ICONS) continue;
    if (entry.isDirectory()) copyEditorFiles(source, path.join(to, entry.name));
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, path.join(to, entry.name));
    }
  }
}

copyEditorFiles(SRC, DIST);
for (const node of fs.readdirSync(path.join(DIST, 'nodes'))) {
  if (fs.existsSync(path.join(DIST, 'nodes', node, `${node}.html`))) {
    fs.cpSync(ICONS, path.join(DIST, 'nodes', node, 'icons'), { recursive: true });
  }
}
