'use strict';
const assert = require('node:assert/strict');
const { publicUrlOf, toWebhookRequest } = require('../../dist/http/request');
const { normalizePath } = require('../../dist/http/webhook-route');

function req({ url = '/sms/in', headers = {}, encrypted = false, method = 'GET', rawBody, smsBodyType, body } = {}) {
  return { method, originalUrl: url, headers, socket: { encrypted }, rawBody, smsBodyType, body };
}

describe('publicUrlOf', function () {
  it('uses the Host header and the socket when there is no proxy', function () {
    assert.equal(publicUrlOf(req({ headers: { host: '127.0.0.1:1880' } })), 'http://127.0.0.1:1880/sms/in');
    assert.equal(publicUrlOf(req({ headers: { host: 'a.example' }, encrypted: true })), 'https://a.example/sms/in');
  });

  it('prefers the first hop of X-Forwarded-Proto / X-Forwarded-Host', function () {
    const r = req({ url: '/sms/in?x=1', headers: { host: 'internal:1880', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'public.example, proxy.lan' } });
    assert.equal(publicUrlOf(r), 'https://public.example/sms/in?x=1');
  });

  it('publicUrl + path wins over any header, with or without a trailing slash', function () {
    const r = req({ headers: { host: 'internal', 'x-forwarded-host': 'evil.example' } });
    assert.equal(publicUrlOf(r, 'https://public.example'), 'https://public.example/sms/in');
    assert.equal(publicUrlOf(r, 'https://public.example///'), 'https://public.example/sms/in');
  });
});

describe('toWebhookRequest', function () {
  it('keeps query parameters flat, repeated ones as arrays', function () {
    const w = toWebhookRequest(req({ url: '/x?a[b]=1&c=2&c=3&d=%zz', headers: { host: 'h' } }));
    assert.deepEqual(w.query, { 'a[b]': '1', c: ['2', '3'], d: '%zz' });
    assert.equal(w.bodyType, 'none');
  });

  it('reads form parameters from the raw body', function () {
    const w = toWebhookRequest(
      req({ method: 'POST', headers: { host: 'h' }, smsBodyType: 'form', rawBody: Buffer.from('A=1&A=2&B=x+y%2B&__proto__=p'), body: { A: { 0: '1', 1: '2' } } }),
    );
    assert.deepEqual(w.form.A, ['1', '2']);
    assert.equal(w.form.B, 'x y+');
    assert.equal(Object.getPrototypeOf(w.form), Object.prototype, 'a __proto__ parameter does not replace the prototype');
    assert.equal(Object.prototype.hasOwnProperty.call(w.form, '__proto__'), true);
  });

  it('a repeated __proto__ parameter is still only a parameter', function () {
    const w = toWebhookRequest(req({ url: '/x?__proto__=1&__proto__=2', headers: { host: 'h' } }));
    assert.equal(Object.getPrototypeOf(w.query), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(w.query, '__proto__').value, ['1', '2']);
  });

  it('falls back to a body parsed by earlier middleware', function () {
    const w = toWebhookRequest(req({ method: 'POST', headers: { host: 'h' }, smsBodyType: 'form', rawBody: Buffer.alloc(0), body: { A: '1', B: ['2', '3'], C: { nested: true } } }));
    assert.deepEqual(w.form, { A: '1', B: ['2', '3'] });
  });
});

describe('normalizePath', function () {
  const cases = [
    ['/sms/in', '/sms/in'],
    ['sms/in', '/sms/in'],
    ['/sms/in/', '/sms/in'],
    ['//sms//in//', '/sms/in'],
    ['  /sms  ', '/sms'],
    ['/', '/'],
  ];
  for (const [path, expected] of cases) {
    it(`${JSON.stringify(path)} → ${expected}`, function () {
      assert.equal(normalizePath(path), expected);
    });
  }
});
