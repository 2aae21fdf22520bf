'use strict';
// A small stand-in for the providers' REST APIs on 127.0.0.1, over real HTTP, so the real
// SDKs are exercised end to end: Vonage Messages (POST /v1/messages), Vonage SMS
// (POST /sms/json) and Twilio (POST /2010-04-01/Accounts/{sid}/Messages.json).
const http = require('node:http');

const ROUTES = [
  { name: 'vonage-messages', match: /^\/v1\/messages$/ },
  { name: 'vonage-sms', match: /^\/sms\/json$/ },
  { name: 'twilio', match: /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/ },
];

function parseBody(headers, raw) {
  const type = String(headers['content-type'] || '');
  if (type.includes('json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (type.includes('x-www-form-urlencoded')) {
    const out = {};
    for (const [k, v] of new URLSearchParams(raw)) out[k] = k in out ? [].concat(out[k], v) : v;
    return out;
  }
  return raw;
}

let seq = 0;
function success(route, body) {
  seq += 1;
  if (route === 'vonage-messages') return { status: 202, body: { message_uuid: `aaaaaaaa-bbbb-4ccc-8ddd-${String(seq).padStart(12, '0')}` } };
  if (route === 'vonage-sms') {
    return {
      status: 200,
      body: {
        'message-count': '1',
        messages: [{ to: body.to, 'message-id': `1A0000000000${seq}`, status: '0', 'remaining-balance': '10.0', 'message-price': '0.03', network: '12345' }],
      },
    };
  }
  return {
    status: 201,
    body: { sid: `SM${String(seq).padStart(32, '0')}`, status: 'queued', to: body.To, from: body.From, body: body.Body, num_segments: '1' },
  };
}

/** `port`: a fixed one (a test that lets a reply fail to connect before the fake is up). */
async function startFakeProvider({ port = 0 } = {}) {
  const requests = [];
  const scripted = { 'vonage-messages': [], 'vonage-sms': [], twilio: [] };
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url.split('?')[0];
      const route = ROUTES.find((r) => r.match.test(path));
      const body = parseBody(req.headers, raw);
      requests.push({ route: route && route.name, method: req.method, path, url: req.url, headers: req.headers, body, raw, at: Date.now() });
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ title: 'Not found' }));
      }
      const answer = scripted[route.name].shift() || success(route.name, body);
      // Never answered: a provider that took the request and went quiet (a timeout).
      if (answer.hang) return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers || {}) });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    get connections() {
      return connections;
    },
    /** The next answers for a route, in order, before it goes back to success; `{ hang: true }` never answers. */
    script(route, ...answers) {
      scripted[route].push(...answers);
    },
    reset() {
      requests.length = 0;
      for (const k of Object.keys(scripted)) scripted[k].length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

module.exports = { startFakeProvider };
