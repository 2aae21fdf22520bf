'use strict';
// Builders for the plain WebhookRequest that provider modules take (src/providers/types.ts),
// shaped as the endpoint builds them from a real HTTP request.

function headersOf(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers || {})) out[k.toLowerCase()] = v;
  return out;
}

/** As the endpoint builds it: own properties only, so `toString` or `__proto__` is a field like any other. */
function queryOf(url) {
  const query = {};
  for (const [k, v] of new URL(url).searchParams) {
    const value = Object.hasOwn(query, k) ? [].concat(query[k], v) : v;
    Object.defineProperty(query, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return query;
}

/** POST application/x-www-form-urlencoded. */
function formRequest(url, params, headers) {
  const rawBody = Buffer.from(new URLSearchParams(params).toString());
  return {
    method: 'POST',
    url,
    headers: headersOf({ 'content-type': 'application/x-www-form-urlencoded', ...headers }),
    query: queryOf(url),
    bodyType: 'form',
    form: { ...params },
    json: undefined,
    rawBody,
  };
}

/** POST application/json; `body` may be an object or the exact raw string. */
function jsonRequest(url, body, headers) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    url,
    headers: headersOf({ 'content-type': 'application/json', ...headers }),
    query: queryOf(url),
    bodyType: 'json',
    form: {},
    json: JSON.parse(text),
    rawBody: Buffer.from(text),
  };
}

/** GET with the parameters in the query string. */
function getRequest(url, params, headers) {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params || {})) u.searchParams.append(k, v);
  return {
    method: 'GET',
    url: u.toString(),
    headers: headersOf(headers),
    query: queryOf(u.toString()),
    bodyType: 'none',
    form: {},
    json: undefined,
    rawBody: Buffer.alloc(0),
  };
}

module.exports = { formRequest, jsonRequest, getRequest };
