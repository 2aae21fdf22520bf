'use strict';
// Sign webhook requests the way each provider does (SPEC §4), for end-to-end tests.
const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');
const twilio = require('twilio');

function twilioSignature(token, url, params) {
  return twilio.getExpectedTwilioSignature(token, url, params || {});
}

/** Vonage SMS API `sig` over the params (which must already hold timestamp/nonce). */
function vonageSmsSig(secret, params, method = 'md5hash') {
  const base = Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${String(params[k]).replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash') return crypto.createHash('md5').update(base + secret).digest('hex');
  const algo = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' }[method];
  return crypto.createHmac(algo, secret).update(base).digest('hex');
}

function signVonageSms(secret, params, method) {
  const signed = { ...params, timestamp: String(Math.floor(Date.now() / 1000)), nonce: crypto.randomUUID() };
  return { ...signed, sig: vonageSmsSig(secret, signed, method) };
}

/** Vonage Messages API webhook JWT: HS256 with the signature secret, payload_hash of the body. */
function vonageMessagesJwt(secret, rawBody, claims = {}) {
  const payload_hash = crypto.createHash('sha256').update(rawBody).digest('hex');
  return jwt.sign({ iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), iss: 'Vonage', payload_hash, ...claims }, secret, {
    algorithm: 'HS256',
  });
}

module.exports = { twilioSignature, vonageSmsSig, signVonageSms, vonageMessagesJwt };
