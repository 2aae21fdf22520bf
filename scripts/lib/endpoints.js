'use strict';
// The webhook endpoints of a flow file, and a curl line that exercises one: what `npm start`
// prints so a user can see a reply without a phone.

/** Leading slash, no trailing slash: as the nodes normalize their path. */
function normalizePath(p) {
  const trimmed = String(p || '').trim().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** `[{ type, provider, path, url }]` for each enabled `sms in` / `sms status` node. */
function endpointsOf(flows, baseUrl) {
  const disabledTabs = new Set(flows.filter((n) => n.type === 'tab' && n.disabled).map((n) => n.id));
  return flows
    .filter((n) => (n.type === 'sms in' || n.type === 'sms status') && !n.d && !disabledTabs.has(n.z) && n.path)
    .map((n) => ({ type: n.type, provider: n.provider || 'auto', path: normalizePath(n.path), url: baseUrl + normalizePath(n.path) }));
}

/**
 * A curl command that sends "HOURS" to the first inbound endpoint, in its provider's format.
 * Twilio first: its reply comes back in the response. The message id changes with every run,
 * because the node drops a retried id.
 */
function curlFor(endpoints) {
  const inbound = endpoints.filter((e) => e.type === 'sms in');
  const twilio = inbound.find((e) => e.provider === 'twilio' || e.provider === 'auto');
  if (twilio) {
    return `curl -s ${twilio.url} -d MessageSid=SM$(date +%s%N) -d From=%2B15551230001 -d To=%2B15557650002 -d Body=HOURS`;
  }
  const messages = inbound.find((e) => e.provider === 'vonage-messages');
  if (messages) {
    const body = '{"channel":"sms","message_type":"text","message_uuid":"\'$(date +%s%N)\'","from":"15551230001","to":"15557650002","text":"HOURS"}';
    return `curl -s ${messages.url} -H 'content-type: application/json' -d '${body}'`;
  }
  const sms = inbound.find((e) => e.provider === 'vonage-sms');
  if (sms) return `curl -s "${sms.url}?msisdn=15551230001&to=15557650002&messageId=$(date +%s%N)&text=HOURS&type=text"`;
  return undefined;
}

module.exports = { endpointsOf, curlFor, normalizePath };
