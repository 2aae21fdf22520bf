'use strict';
// The warnings of refused requests: once a minute per reason, on an injected clock.
const assert = require('node:assert/strict');
const { RefusalWarnings, refusalWarning } = require('../../dist/http/refusals');

describe('refusal warnings', function () {
  const bad = { status: 403, reason: '403 bad signature', text: 'signature check failed: signature does not match', signedUrl: 'https://abc.example.app/sms/twilio' };
  const unsigned = { status: 403, reason: '403 unsigned request', text: 'signature check failed: missing X-Twilio-Signature header' };

  it('warns once a minute for each reason, and again after a minute', function () {
    const said = [];
    let now = 1_000_000;
    const warnings = new RefusalWarnings({ warn: (m) => said.push(m) }, () => now);
    warnings.warn(bad);
    now += 59_999;
    warnings.warn(bad);
    warnings.warn(unsigned);
    assert.equal(said.length, 2, 'the same reason within a minute is not repeated; another reason is');
    now += 1;
    warnings.warn(bad);
    assert.equal(said.length, 3, 'a minute later it is warned again');
  });

  it('names the URL a signature over the URL was checked against, and says what to set', function () {
    assert.equal(
      refusalWarning(bad),
      'refused a request (HTTP 403): signature check failed: signature does not match — the signature was checked against ' +
        'https://abc.example.app/sms/twilio; if the provider calls another address (a tunnel or a proxy), set that address as the Public URL of the sms account',
    );
    assert.equal(refusalWarning(unsigned), 'refused a request (HTTP 403): signature check failed: missing X-Twilio-Signature header');
  });
});
