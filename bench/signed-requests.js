'use strict';
// Request makers for autocannon's setupRequest: every request carries a fresh message id
// (sms in drops a retried id) and its own signature, made here in the load generator as the
// provider would, so the benchmark measures the real path and not the dedupe shortcut.
const { twilioSignature, signVonageSms, vonageMessagesJwt } = require('../test/support/sign');
const { TWILIO_TOKEN, VONAGE_SECRET, PUBLIC_URL } = require('./flows');
const { randomUUID } = require('node:crypto');

const WORDS = ['HOURS', 'price please', 'hello there'];
let seq = 0;
const next = () => (seq += 1);

/** A Twilio inbound-message form as Twilio posts it, signed for `PUBLIC_URL + path`. */
function twilioInbound(path, text) {
  const n = next();
  const sid = `SM${String(n).padStart(32, '0')}`;
  const params = {
    ToCountry: 'US', ToState: 'CA', SmsMessageSid: sid, NumMedia: '0', ToCity: 'SAN FRANCISCO',
    FromZip: '94105', SmsSid: sid, FromState: 'CA', SmsStatus: 'received', FromCity: 'SAN FRANCISCO',
    Body: text ?? WORDS[n % WORDS.length], FromCountry: 'US', To: '+15557654321', ToZip: '94105',
    NumSegments: '1', MessageSid: sid, AccountSid: 'ACbench', From: `+1555${String(n % 10_000_000).padStart(7, '0')}`,
    ApiVersion: '2010-04-01',
  };
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(TWILIO_TOKEN, PUBLIC_URL + path, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

/** A Vonage Messages API inbound SMS (JSON) with its signed JWT, to `to`. */
function vonageMessagesInbound(to = '447700900000') {
  const n = next();
  const body = JSON.stringify({
    channel: 'sms',
    message_uuid: randomUUID(),
    to,
    from: `4477009${String(n % 100_000).padStart(5, '0')}`,
    timestamp: new Date().toISOString(),
    text: WORDS[n % WORDS.length],
    message_type: 'text',
    sms: { num_messages: '1' },
    usage: { price: '0.0057', currency: 'EUR' },
  });
  return {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${vonageMessagesJwt(VONAGE_SECRET, body, { api_key: 'benchkey' })}` },
    body,
  };
}

/** A Vonage SMS API inbound SMS as Vonage sends it by GET: signed query parameters on `path`, to `to`. */
function vonageSmsInbound(path, to) {
  const n = next();
  const params = signVonageSms(VONAGE_SECRET, {
    msisdn: `4479${String(n % 100_000_000).padStart(8, '0')}`,
    to,
    messageId: `1C${String(n).padStart(14, '0')}`,
    text: WORDS[n % WORDS.length],
    type: 'text',
    keyword: WORDS[n % WORDS.length].split(' ')[0].toUpperCase(),
    'message-timestamp': new Date().toISOString().slice(0, 19).replace('T', ' '),
  });
  return { method: 'GET', path: `${path}?${new URLSearchParams(params)}` };
}

/**
 * Part 1 of 3 of a Vonage SMS API multipart message whose other parts never come, each from
 * another sender (one sender may only hold a few groups).
 */
function vonageSmsOrphanPart() {
  const n = next();
  const params = signVonageSms(VONAGE_SECRET, {
    msisdn: `4479${String(n % 100_000_000).padStart(8, '0')}`,
    to: '447700900000',
    messageId: `0B0000${String(n).padStart(10, '0')}`,
    text: 'This is the first part of a long message whose other parts are lost somewhere in t',
    type: 'text',
    keyword: 'THIS',
    'message-timestamp': '2026-11-22 12:00:00',
    concat: 'true',
    'concat-ref': String(n),
    'concat-total': '3',
    'concat-part': '1',
  });
  return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() };
}

module.exports = { twilioInbound, vonageMessagesInbound, vonageSmsInbound, vonageSmsOrphanPart };
