'use strict';
// (c) The ceiling: a bare node:http server giving the same TwiML for the same form posts,
// with no framework, no flow and no signature check. Run as a child of run.js; it prints
// its port on stdout.
const http = require('node:http');
const { ANSWERS, MENU } = require('./flows');

function answerFor(body) {
  const text = new URLSearchParams(body).get('Body') || '';
  const word = text.trim().split(/\s+/)[0].replace(/^[^\w]+|[^\w]+$/g, '').toUpperCase();
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${ANSWERS[word] || MENU}</Message></Response>`;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(answerFor(Buffer.concat(chunks).toString('utf8')));
  });
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
