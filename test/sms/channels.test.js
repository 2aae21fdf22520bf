'use strict';
const assert = require('node:assert/strict');
const { addressOn, kindOfMedia, mediaKindOf } = require('../../dist/sms/channels');

describe('channels (domain)', function () {
  it('gives a + only to phone numbers: never to a Messenger id, a Viber service id or an RCS agent id', function () {
    assert.equal(addressOn('whatsapp', 'person', '447700900001'), '+447700900001');
    assert.equal(addressOn('whatsapp', 'business', '447700900000'), '+447700900000');
    assert.equal(addressOn('messenger', 'person', '1234567890123'), '1234567890123');
    assert.equal(addressOn('messenger', 'business', '9876543210987'), '9876543210987');
    assert.equal(addressOn('viber_service', 'person', '447700900001'), '+447700900001');
    assert.equal(addressOn('viber_service', 'business', '16273849'), '16273849');
    assert.equal(addressOn('rcs', 'business', '12345678'), '12345678');
    assert.equal(addressOn('sms', 'business', 'ACME'), 'ACME');
  });

  it('tells media kinds from the MIME type, else the file extension; anything else is a file', function () {
    assert.equal(mediaKindOf('https://x.test/a', 'image/webp'), 'image');
    assert.equal(mediaKindOf('https://x.test/a.jpg', 'application/pdf'), 'file');
    assert.equal(mediaKindOf('https://x.test/voice.OGG?sig=1'), 'audio');
    assert.equal(mediaKindOf('https://x.test/clip.mp4#t=2'), 'video');
    assert.equal(mediaKindOf('https://x.test/menu.pdf'), 'file');
    assert.equal(mediaKindOf('not a url.png'), 'image');
    assert.equal(kindOfMedia([{ url: 'https://x.test/c', contentType: 'text/x-vcard' }]), 'vcard');
    assert.equal(kindOfMedia([]), 'text');
  });
});
