'use strict';
// The built store, from one place (the build folder may move).
const path = require('node:path');

module.exports = require(path.join(__dirname, '..', '..', 'dist', 'store'));
