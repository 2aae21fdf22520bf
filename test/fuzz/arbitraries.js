'use strict';
// fast-check arbitraries for what a client can put in a webhook, shaped as the endpoint
// hands it to the provider modules (test/support/webhook-request.js): known field names
// with odd values, unknown and hostile names, repeated names, any JSON at any depth.
const fc = require('fast-check');

const TWILIO_FIELDS = ['MessageSid', 'SmsSid', 'SmsMessageSid', 'AccountSid', 'From', 'To', 'Body', 'NumMedia',
  'NumSegments', 'MediaUrl0', 'MediaContentType0', 'MediaUrl1', 'OptOutType', 'MessageStatus', 'SmsStatus',
  'ErrorCode', 'RawDlrDoneDate', 'MessagingServiceSid'];
const VONAGE_SMS_FIELDS = ['msisdn', 'to', 'messageId', 'text', 'type', 'keyword', 'api-key', 'message-timestamp',
  'timestamp', 'nonce', 'sig', 'concat', 'concat-ref', 'concat-total', 'concat-part', 'data', 'udh', 'status',
  'err-code', 'price', 'scts', 'client-ref', 'network-code'];
const VONAGE_MESSAGES_FIELDS = ['channel', 'message_uuid', 'to', 'from', 'timestamp', 'text', 'message_type', 'sms',
  'usage', 'image', 'audio', 'video', 'file', 'vcard', 'content', 'status', 'error', 'client_ref'];
const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''];

const fieldName = fc.oneof(
  fc.constantFrom(...TWILIO_FIELDS, ...VONAGE_SMS_FIELDS, ...VONAGE_MESSAGES_FIELDS, ...HOSTILE_NAMES),
  fc.string({ maxLength: 12 }),
);

/** Values a field may hold: plausible ones, numbers as text, empty, odd unicode. */
const fieldValue = fc.oneof(
  fc.constantFrom('', '0', '1', '-1', '3', '1e9', 'NaN', 'true', '+14155550100', '447700900001', 'SM123', 'AC123',
    'delivered', 'received', 'failed', 'submitted', 'rejected', 'STOP', 'help', 'sms', 'mms', 'text', 'unicode',
    '2026-01-01 00:00:00', '2026-13-45 99:99:99', 'whatsapp:+1415', 'https://x.example/a.jpg', 'a&b=c'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Parameters with own properties only (a `__proto__` name is a field like any other). */
const params = fc
  .array(fc.tuple(fieldName, fc.oneof({ weight: 4, arbitrary: fieldValue }, { weight: 1, arbitrary: fc.array(fieldValue, { minLength: 2, maxLength: 3 }) })), { maxLength: 25 })
  .map((pairs) => {
    const out = {};
    for (const [k, v] of pairs) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });

/** JSON with the providers' field names at the top, any JSON below, and odd top levels. */
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fieldName, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 15 }),
  fc.record(
    {
      channel: fc.oneof(fc.constantFrom('sms', 'mms', 'whatsapp'), fc.jsonValue({ maxDepth: 1 })),
      message_uuid: fc.oneof(fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
      from: fc.oneof(fc.constantFrom('447700900001', ''), fc.jsonValue({ maxDepth: 1 })),
      to: fc.oneof(fc.constantFrom('447700900000'), fc.jsonValue({ maxDepth: 1 })),
      text: fc.jsonValue({ maxDepth: 2 }),
      status: fc.oneof(fc.constantFrom('delivered', 'read', 'rejected'), fc.jsonValue({ maxDepth: 1 })),
      timestamp: fc.oneof(fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday'), fc.jsonValue({ maxDepth: 1 })),
      sms: fc.jsonValue({ maxDepth: 2 }),
      usage: fc.jsonValue({ maxDepth: 2 }),
      image: fc.jsonValue({ maxDepth: 2 }),
      content: fc.jsonValue({ maxDepth: 3 }),
      error: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  ),
);

const headers = fc.record(
  {
    'x-twilio-signature': fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 40 })),
    authorization: fc.oneof(fc.string({ maxLength: 60 }), fc.base64String().map((s) => `Bearer ${s}`),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => `Bearer ${p.join('.')}`)),
    'content-type': fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
  },
  { requiredKeys: [] },
);

const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true }),
  fc.constantFrom('https://abc.example.app/sms/inbound', 'not a url', '', 'http://[::1', 'https://x.example/?bodySHA256=abc'),
);

/** A WebhookRequest (src/providers/types.ts) with any content. */
const webhookRequest = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'post', ''),
    url,
    headers,
    query: params,
    bodyType: fc.constantFrom('form', 'json', 'none'),
    form: params,
    json,
    raw: fc.oneof(fc.string({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('latin1'))),
  })
  .map(({ raw, ...req }) => ({ ...req, rawBody: Buffer.from(raw, 'latin1') }));

module.exports = { params, json, headers, fieldName, fieldValue, webhookRequest, TWILIO_FIELDS, VONAGE_SMS_FIELDS };
