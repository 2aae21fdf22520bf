'use strict';
// Every channel × message type, inbound and status, as Vonage's Messages API (v1 and v0.1)
// and Twilio send them (test/fixtures/, written from the providers' published payloads):
// each is parsed to the msg.sms / msg.status of SPEC §3 and §11, and each also goes over
// real HTTP through sms in / sms status with provider "auto".
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { PROVIDERS } = require('../../dist/providers');
const { formRequest, jsonRequest } = require('../support/webhook-request');
const rt = require('../support/runtime');

const ROOT = path.join(__dirname, '..', 'fixtures');

function fixtures(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.json')) out.push({ name: path.relative(ROOT, p), ...JSON.parse(fs.readFileSync(p, 'utf8')) });
    }
  };
  walk(path.join(ROOT, dir));
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const PROVIDER_DIRS = { 'vonage-messages': 'vonage-messages', twilio: 'twilio' };
const kindOf = (name) => (name.includes('/status/') ? 'status' : 'inbound');
const requestOf = (provider, url, body) => (provider === 'twilio' ? formRequest(url, body) : jsonRequest(url, body));

function assertRecent(iso) {
  assert.ok(Math.abs(Date.parse(iso) - Date.now()) < 10000, `${iso} is the time of arrival`);
}

/** The parts of `actual` that `expected` names, plus what every message must have. */
function check(actual, expected, kind) {
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(actual[key], value, key);
  if (kind === 'inbound') {
    assert.equal(typeof actual.type, 'string', 'msg.sms.type');
    // A message that is not text never reaches the flow looking like an empty text.
    if (actual.type !== 'text') assert.ok(actual.text || actual.media.length || actual.location || actual.reaction || actual.content || actual.type === 'unsupported', 'content surfaced');
  }
  if (!('timestamp' in expected)) assertRecent(actual.timestamp);
}

for (const [provider, dir] of Object.entries(PROVIDER_DIRS)) {
  describe(`fixtures: ${provider} webhooks, every channel and message type`, function () {
    for (const fx of fixtures(dir)) {
      const kind = kindOf(fx.name);
      it(`${fx.name} → msg.${kind === 'status' ? 'status' : 'sms'}`, function () {
        const req = requestOf(provider, `https://abc.example.app/${kind}`, fx.body);
        const module = PROVIDERS[provider];
        assert.equal(module.recognizes(req, kind), true, 'recognized by provider auto');
        assert.equal(module.recognizes(req, kind === 'status' ? 'inbound' : 'status'), false, 'not taken for the other kind');
        const result = kind === 'status' ? module.parseStatus(req) : module.parseInbound(req);
        assert.equal(result.ok, true, result.error);
        check(result.value, fx.expect, kind);
        if (['1340', '63016'].includes(result.value.errorCode)) assert.match(result.value.errorMessage, /template/);
      });
    }
  });
}

describe('fixtures over HTTP: sms in and sms status (provider auto) take every one, v0.1 included', function () {
  const flow = [
    { id: 'fx-in', type: 'sms in', provider: 'auto', path: '/fx/in', wires: [['fx-out']] },
    { id: 'fx-status', type: 'sms status', provider: 'auto', path: '/fx/status', wires: [['fx-out']] },
    { id: 'fx-out', type: 'helper' },
  ];
  let url;
  let out;
  before(async function () {
    ({ url } = await rt.load(flow));
    out = rt.collector('fx-out');
  });
  after(async function () {
    await rt.unload();
    await rt.stopServer();
  });

  for (const [provider, dir] of Object.entries(PROVIDER_DIRS)) {
    it(`answers every ${provider} fixture 2xx and emits it normalized`, async function () {
      this.timeout(60000);
      for (const fx of fixtures(dir)) {
        const kind = kindOf(fx.name);
        const target = url(kind === 'status' ? '/fx/status' : '/fx/in');
        const res = provider === 'twilio' ? await rt.postForm(target, fx.body) : await rt.postJson(target, fx.body);
        assert.ok(res.status >= 200 && res.status < 300, `${fx.name}: HTTP ${res.status} ${res.text}`);
        const msg = await out.next(5000);
        const value = kind === 'status' ? msg.status : msg.sms;
        assert.equal(value.messageId, fx.expect.messageId, fx.name);
        for (const key of ['type', 'from', 'to', 'channel', 'choice', 'location', 'state']) {
          if (key in fx.expect) assert.deepEqual(value[key], fx.expect[key], `${fx.name}: ${key}`);
        }
      }
    });
  }
});
