'use strict';
// The flows the benchmark deploys into one Node-RED: (a) this package's Twilio path,
// (b) the hand-wired core flow users build today, the Vonage Messages reply path, the
// multipart memory path, and a heap probe. Same keyword answers in every variant.
const ANSWERS = { HOURS: 'We are open 9-5, Monday to Friday.', PRICE: 'A coffee is 3 dollars.' };
const MENU = 'Text HOURS or PRICE.';
const TWILIO_TOKEN = 'bench-twilio-auth-token';
const VONAGE_SECRET = 'bench-vonage-signature-secret';
/** The URL the load generator signs, as a tunnel in front of Node-RED would present it. */
const PUBLIC_URL = 'https://bench.example.app';

const TAB = 'bench0000000tab1';

function node(id, type, props, wires = []) {
  return { id, type, z: TAB, x: 100, y: 100, wires, ...props };
}

/** The keyword switch with one reply per answer (flow a, and the Vonage path). */
function keywordReplies(prefix, extra = {}) {
  const words = Object.keys(ANSWERS);
  const rules = [...words.map((v) => ({ t: 'eq', v, vt: 'str' })), { t: 'else' }];
  const replyIds = [...words, 'ELSE'].map((w) => `${prefix}-reply-${w}`);
  return [
    node(`${prefix}-switch`, 'switch', {
      property: 'sms.keyword',
      propertyType: 'msg',
      rules,
      checkall: 'false',
      repair: false,
      outputs: rules.length,
    }, replyIds.map((id) => [id])),
    ...words.map((w, i) => node(replyIds[i], 'sms reply', { text: ANSWERS[w], media: '', ...extra })),
    node(replyIds[words.length], 'sms reply', { text: MENU, media: '', ...extra }),
  ];
}

/** The `sms send` rows (issue 15): each sends from its own number, so the fake tells them apart by `From`. */
const SEND_NUMBERS = { sb: '+12125550100', sr: '+12125550101', sq: '+12125550102' };
/** Sends per second of the rate row. */
const SEND_RATE = 200;

/**
 * POST /bench/send/<row> with { n, base, sendAt }: one broadcast of `n` recipients
 * (+1 212 2xx xxxx from `base`) into that row's sms send; output 1 / output 2 and the
 * node's completion are counted in global context, read by GET /bench/send-count.
 */
const SEND_TRIGGER = `
const row = msg.req.params.row;
const n = Number(msg.payload.n) || 0;
const base = Number(msg.payload.base) || 0;
const to = Array.from({ length: n }, (_, i) => '+1' + String(2122000000 + base + i));
const out = { to, payload: 'Your order has shipped.', ...(msg.payload.sendAt ? { sendAt: msg.payload.sendAt } : {}) };
const answer = { res: msg.res, payload: 'queued', statusCode: 202 };
const rows = ['sb', 'sr', 'sq'];
const outs = rows.map((r) => (r === row ? out : null));
return [...outs, answer];`;

function sendRows() {
  const counter = (id, key) => node(id, 'function', { func: `global.set('${key}', (global.get('${key}') || 0) + 1); return null;`, outputs: 1, timeout: 0, noerr: 0 });
  const rows = [
    ['sb', 100000],
    ['sr', SEND_RATE],
    ['sq', 1],
  ];
  return [
    node('s-in', 'http in', { url: '/bench/send/:row', method: 'post', upload: false, swaggerDoc: '' }, [['s-fn']]),
    node('s-fn', 'function', { func: SEND_TRIGGER, outputs: 4, timeout: 0, noerr: 0 }, [...rows.map(([k]) => [`${k}-send`]), ['s-ok']]),
    node('s-ok', 'http response', { statusCode: '', headers: {} }),
    ...rows.flatMap(([k, rate]) => [
      node(`${k}-send`, 'sms send', {
        account: 'bench-acct-twilio-send', from: SEND_NUMBERS[k], to: 'to', toType: 'msg', text: '', textType: 'str', media: '', mediaType: 'str',
        channel: 'sms', receipts: '', rate: String(rate),
      }, [[`${k}-sent`], [`${k}-notsent`]]),
      counter(`${k}-sent`, `${k}Sent`),
      counter(`${k}-notsent`, `${k}NotSent`),
      node(`${k}-complete`, 'complete', { scope: [`${k}-send`], uncaught: false }, [[`${k}-done`]]),
      counter(`${k}-done`, `${k}Done`),
    ]),
    node('sc-in', 'http in', { url: '/bench/send-count', method: 'get', upload: false, swaggerDoc: '' }, [['sc-fn']]),
    node('sc-fn', 'function', {
      func: `const o = {}; for (const k of ['sb', 'sr', 'sq']) o[k] = { sent: global.get(k + 'Sent') || 0, notSent: global.get(k + 'NotSent') || 0, done: global.get(k + 'Done') || 0 }; msg.payload = o; return msg;`,
      outputs: 1, timeout: 0, noerr: 0,
    }, [['sc-out']]),
    node('sc-out', 'http response', { statusCode: '', headers: {} }),
  ];
}

/** What users wire today: parse the keyword, build TwiML by hand, no signature check. */
const HAND_WIRED_FUNCTION = `
const word = String(msg.payload.Body || '').trim().split(/\\s+/)[0].replace(/^[^\\w]+|[^\\w]+$/g, '').toUpperCase();
const answers = ${JSON.stringify(ANSWERS)};
const text = answers[word] || ${JSON.stringify(MENU)};
msg.payload = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>' + text + '</Message></Response>';
msg.headers = { 'content-type': 'text/xml' };
return msg;`;

/** The number the Vonage rows' messages are sent to, per flow: its replies are told apart at the fake by their `from`. */
const VONAGE_NUMBERS = { vm: '447700900010', vmh: '447700900011', vs: '447700900020', vsh: '447700900021' };

/** Hand-wired Messages API reply: keyword answer, JSON for /v1/messages (basic auth on the http request node). */
const HAND_WIRED_MESSAGES = `
const word = String(msg.payload.text || '').trim().split(/\\s+/)[0].replace(/^[^\\w]+|[^\\w]+$/g, '').toUpperCase();
const answers = ${JSON.stringify(ANSWERS)};
msg.payload = { message_type: 'text', channel: 'sms', to: msg.payload.from, from: msg.payload.to, text: answers[word] || ${JSON.stringify(MENU)} };
msg.headers = { 'content-type': 'application/json' };
return msg;`;

/** Hand-wired SMS API reply: keyword answer, a form post to /sms/json with the key and secret. */
const HAND_WIRED_SMS = `
const q = msg.req.query;
const word = String(q.text || '').trim().split(/\\s+/)[0].replace(/^[^\\w]+|[^\\w]+$/g, '').toUpperCase();
const answers = ${JSON.stringify(ANSWERS)};
msg.payload = 'api_key=benchkey&api_secret=benchsecret&to=' + encodeURIComponent(q.msisdn) + '&from=' + encodeURIComponent(q.to) + '&text=' + encodeURIComponent(answers[word] || ${JSON.stringify(MENU)});
msg.headers = { 'content-type': 'application/x-www-form-urlencoded' };
return msg;`;

/** The hand-wired Vonage flows: http in → http response 200, and → function → http request. */
function handWiredVonage(prefix, { path, method, func, url, basicAuth }) {
  return [
    node(`${prefix}-in`, 'http in', { url: path, method, upload: false, swaggerDoc: '' }, [[`${prefix}-ok`, `${prefix}-fn`]]),
    node(`${prefix}-ok`, 'http response', { statusCode: '200', headers: {} }),
    node(`${prefix}-fn`, 'function', { func, outputs: 1, timeout: 0, noerr: 0 }, [[`${prefix}-req`]]),
    node(`${prefix}-req`, 'http request', {
      method: 'POST', ret: 'txt', paytoqs: 'ignore', url, tls: '', persist: true, proxy: '', insecureHTTPParser: false,
      authType: basicAuth ? 'basic' : '', senderr: false, headers: [],
    }),
  ];
}

function benchFlows({ fakeProviderUrl }) {
  return [
    { id: TAB, type: 'tab', label: 'bench' },
    {
      id: 'bench-acct-twilio',
      type: 'sms account',
      name: 'twilio',
      provider: 'twilio',
      publicUrl: PUBLIC_URL,
    },
    {
      id: 'bench-acct-vonage',
      type: 'sms account',
      name: 'vonage',
      provider: 'vonage',
      publicUrl: PUBLIC_URL,
      signatureMethod: 'md5hash',
      apiHost: fakeProviderUrl,
    },
    {
      id: 'bench-acct-twilio-send',
      type: 'sms account',
      name: 'twilio (sends)',
      provider: 'twilio',
      publicUrl: PUBLIC_URL,
      apiHost: fakeProviderUrl,
    },
    ...sendRows(),
    // (a)
    node('a-in', 'sms in', { account: 'bench-acct-twilio', provider: 'twilio', path: '/bench/a', replyTimeout: 10 }, [['a-switch']]),
    ...keywordReplies('a'),
    // (b)
    node('b-in', 'http in', { url: '/bench/b', method: 'post', upload: false, swaggerDoc: '' }, [['b-fn']]),
    node('b-fn', 'function', { func: HAND_WIRED_FUNCTION, outputs: 1, timeout: 0, noerr: 0 }, [['b-out']]),
    node('b-out', 'http response', { statusCode: '', headers: {} }),
    // Vonage Messages API inbound → reply through the (fake) Messages API, and a count of
    // the messages Node-RED emitted (the load generator cannot count requests it abandoned at
    // the end of its run, which Node-RED may still have received and answered).
    node('v-in', 'sms in', { account: 'bench-acct-vonage', provider: 'vonage-messages', path: '/bench/vonage' }, [['v-switch', 'v-count']]),
    node('v-count', 'function', { func: "global.set('vonageInbound', (global.get('vonageInbound') || 0) + 1); return null;", outputs: 1, timeout: 0, noerr: 0 }),
    node('c-in', 'http in', { url: '/bench/count', method: 'get', upload: false, swaggerDoc: '' }, [['c-fn']]),
    node('c-fn', 'function', { func: "msg.payload = String(global.get('vonageInbound') || 0); return msg;", outputs: 1, timeout: 0, noerr: 0 }, [['c-out']]),
    node('c-out', 'http response', { statusCode: '', headers: {} }),
    ...keywordReplies('v'),
    // The Vonage rows: Messages API (JWT verified) and SMS API (GET, signed) through the
    // package, each beside its hand-wired equivalent, replies to the fake provider.
    node('vm-in', 'sms in', { account: 'bench-acct-vonage', provider: 'vonage-messages', path: '/bench/vm' }, [['vm-switch']]),
    ...keywordReplies('vm'),
    ...handWiredVonage('vmh', { path: '/bench/vmh', method: 'post', func: HAND_WIRED_MESSAGES, url: `${fakeProviderUrl}/v1/messages`, basicAuth: true }),
    node('vs-in', 'sms in', { account: 'bench-acct-vonage', provider: 'vonage-sms', path: '/bench/vs' }, [['vs-switch']]),
    ...keywordReplies('vs'),
    ...handWiredVonage('vsh', { path: '/bench/vsh', method: 'get', func: HAND_WIRED_SMS, url: `${fakeProviderUrl}/sms/json` }),
    // Vonage SMS API multipart parts that never complete: memory bound.
    node('m-in', 'sms in', { account: 'bench-acct-vonage', provider: 'vonage-sms', path: '/bench/parts' }),
    // Heap probe: collects garbage and answers the heap in use (see settings in run.js).
    node('h-in', 'http in', { url: '/bench/heap', method: 'get', upload: false, swaggerDoc: '' }, [['h-fn']]),
    node('h-fn', 'function', { func: "msg.payload = global.get('benchHeap')(); return msg;", outputs: 1, timeout: 0, noerr: 0 }, [['h-out']]),
    node('h-out', 'http response', { statusCode: '', headers: {} }),
  ];
}

const CREDENTIALS = {
  'bench-acct-twilio': { accountSid: 'ACbench', authToken: TWILIO_TOKEN },
  'bench-acct-vonage': { apiKey: 'benchkey', apiSecret: 'benchsecret', signatureSecret: VONAGE_SECRET },
  'bench-acct-twilio-send': { accountSid: 'ACbenchsend', authToken: 'bench-twilio-send-token' },
  'vmh-req': { user: 'benchkey', password: 'benchsecret' },
};

module.exports = { benchFlows, SEND_NUMBERS, SEND_RATE, CREDENTIALS, VONAGE_NUMBERS, ANSWERS, MENU, TWILIO_TOKEN, VONAGE_SECRET, PUBLIC_URL, HAND_WIRED_FUNCTION };
