'use strict';
// Arbitrary HTTP requests for the endpoint fuzz: any method, content type and encoding,
// bodies that are forms, JSON (huge, deep, broken), raw bytes or provider-shaped fields,
// sometimes correctly signed so the accepted path is fuzzed too.
const zlib = require('node:zlib');
const fc = require('fast-check');
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('../support/sign');
const arb = require('./arbitraries');

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded', 'application/json', 'text/plain', 'application/xml',
  'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-8',
  'application/x-www-form-urlencoded; charset=utf-16', 'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=iso-8859-1', '', ';;;', 'application/*', 'json',
];

const enc = (v) => encodeURIComponent(String(v));
const form = arb.params.map((p) =>
  Object.entries(p)
    .flatMap(([k, v]) => [].concat(v).map((x) => `${enc(k)}=${enc(x)}`))
    .join('&'),
);

/** Bodies, as a string or bytes. */
const body = fc.oneof(
  { weight: 4, arbitrary: form },
  { weight: 3, arbitrary: arb.json.map((j) => JSON.stringify(j) ?? 'null') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 50_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)) },
  { weight: 1, arbitrary: arb.json.map((j) => (JSON.stringify(j) ?? '').slice(0, -1) + '\u0000') },
  { weight: 1, arbitrary: fc.constantFrom('From=%E0%A4%A&Body=%ZZ&%', 'a=1&a=2&a[]=3&a[b]=4&From=x&From=y', '&&&==&', '%', '\uFEFF{"a":1}') },
  { weight: 1, arbitrary: fc.integer({ min: 1001, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&')) },
);

const request = fc.record({
  endpoint: fc.nat(),
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'HEAD', 'OPTIONS', 'DELETE'),
  query: fc.oneof(fc.constant(''), form.map((q) => `?${q}`), fc.constantFrom('?%', '?a=%ZZ', '?__proto__=1&constructor=2')),
  contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
  encoding: fc.option(fc.constantFrom('gzip', 'deflate', 'identity', 'br', 'bogus', 'gzip, gzip'), { freq: 6, nil: undefined }),
  body,
  headers: arb.headers,
});

/** Provider-shaped requests, signed right for the endpoint's account when `sign`. */
const shaped = fc.record({
  endpoint: fc.nat(),
  provider: fc.constantFrom('twilio', 'vonage-sms', 'vonage-messages'),
  params: arb.params,
  json: arb.json,
  // Sometimes a body nested far deeper than any provider's, under an extra field.
  deep: fc.option(fc.integer({ min: 40, max: 5000 }), { freq: 4, nil: undefined }),
  sign: fc.boolean(),
});

function toBytes(b) {
  return Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8');
}

/** Applies the Content-Encoding a request claims, when it is one zlib can make. */
function encoded(bytes, encoding) {
  if (encoding === 'gzip') return zlib.gzipSync(bytes);
  if (encoding === 'deflate') return zlib.deflateSync(bytes);
  return bytes;
}

/** The plain HTTP request (`{ method, path, headers, body }`) for a shaped case. */
function shapedRequest(c, endpoint, baseUrl, secrets) {
  const path = endpoint.path;
  if (c.provider === 'vonage-messages') {
    let raw = JSON.stringify(c.json) ?? '{}';
    if (c.deep && raw.startsWith('{') && raw.length > 2) raw = `${raw.slice(0, -1)},"deep":${'['.repeat(c.deep)}${']'.repeat(c.deep)}}`;
    const headers = { 'content-type': 'application/json' };
    if (c.sign) headers.authorization = `Bearer ${vonageMessagesJwt(secrets.signatureSecret, raw)}`;
    return { method: 'POST', path, headers, body: Buffer.from(raw) };
  }
  const flat = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, [].concat(v)[0]]));
  if (c.provider === 'vonage-sms') {
    const p = c.sign ? signVonageSms(secrets.signatureSecret, flat) : flat;
    return { method: 'GET', path: `${path}?${new URLSearchParams(p)}`, headers: {}, body: undefined };
  }
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (c.sign) headers['x-twilio-signature'] = twilioSignature(secrets.authToken, baseUrl + path, flat);
  return { method: 'POST', path, headers, body: Buffer.from(new URLSearchParams(flat).toString()) };
}

/** The plain HTTP request for an arbitrary case. */
function arbitraryRequest(c, endpoint) {
  const headers = { ...c.headers };
  delete headers['content-type'];
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  let bytes = toBytes(c.body);
  if (c.encoding) {
    headers['content-encoding'] = c.encoding;
    bytes = encoded(bytes, c.encoding);
  }
  const withBody = !['GET', 'HEAD'].includes(c.method) || c.body.length % 2 === 0;
  // Node's client sends a GET's or HEAD's body unframed (no Content-Length, not chunked): the
  // server would read it as the start of a next request and answer that 400 itself.
  if (withBody && ['GET', 'HEAD'].includes(c.method)) headers['content-length'] = String(bytes.length);
  return { method: c.method, path: endpoint.path + c.query, headers, body: withBody ? bytes : undefined };
}

/**
 * What a signature does not cover: a Vonage request (signed right or not) with a second value
 * under one of its names, in the query or the form; or any provider's request whose message
 * id is longer than any provider sends.
 */
const hostile = fc.record({
  endpoint: fc.nat(),
  attack: fc.constantFrom('repeated', 'longId'),
  provider: fc.constantFrom('twilio', 'vonage-sms', 'vonage-messages'),
  name: fc.constantFrom('text', 'msisdn', 'to', 'messageId', 'timestamp', 'sig', 'type', 'concat-ref'),
  value: arb.fieldValue,
  where: fc.constantFrom('query', 'form'),
  idLength: fc.integer({ min: 129, max: 4000 }),
  sign: fc.boolean(),
});

function vonageSmsFields(messageId) {
  return { msisdn: '447700900001', to: '447700900002', messageId, text: 'fuzz', type: 'text' };
}

/** The plain HTTP request for a hostile case; `expected` is what it must be answered. */
function hostileRequest(c, endpoint, baseUrl, secrets) {
  const path = endpoint.path;
  const longId = 'A'.repeat(c.idLength);
  if (c.attack === 'longId') {
    if (c.provider === 'vonage-messages') {
      const raw = JSON.stringify({ channel: 'sms', message_uuid: longId, to: '447700900000', from: '447700900001', text: 'fuzz', message_type: 'text' });
      const headers = { 'content-type': 'application/json' };
      if (c.sign) headers.authorization = `Bearer ${vonageMessagesJwt(secrets.signatureSecret, raw)}`;
      return { method: 'POST', path, headers, body: Buffer.from(raw) };
    }
    const params = c.provider === 'twilio'
      ? { MessageSid: `SM${longId}`, From: '+14155550100', To: '+14155550199', Body: 'fuzz' }
      : vonageSmsFields(longId);
    const signed = c.sign && c.provider === 'vonage-sms' ? signVonageSms(secrets.signatureSecret, params) : params;
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    if (c.sign && c.provider === 'twilio') headers['x-twilio-signature'] = twilioSignature(secrets.authToken, baseUrl + path, params);
    return { method: 'POST', path, headers, body: Buffer.from(new URLSearchParams(signed).toString()) };
  }
  // Repeated: a Vonage SMS API request as Vonage sends it, then the same name again.
  const fields = vonageSmsFields(`0A${String(c.idLength).padStart(14, '0')}`);
  const signed = new URLSearchParams(c.sign ? signVonageSms(secrets.signatureSecret, fields) : fields);
  if (!signed.has(c.name)) signed.append(c.name, c.value);
  signed.append(c.name, c.value);
  if (c.where === 'query') return { method: 'GET', path: `${path}?${signed}`, headers: {}, body: undefined };
  return { method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(signed.toString()) };
}

module.exports = { request, shaped, shapedRequest, arbitraryRequest, hostile, hostileRequest };
