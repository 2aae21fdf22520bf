'use strict';
const assert = require('node:assert/strict');
const { keywordOf, optOutOf } = require('../../dist/sms/keywords');

describe('keywordOf', function () {
  const cases = [
    ['hello world', 'HELLO'],
    ['  Hours please', 'HOURS'],
    ['stop.', 'STOP'],
    ['"Stop!"', 'STOP'],
    ['...JOIN...now', 'JOIN...NOW'],
    ["don't stop", "DON'T"],
    ['¡Hola! amigo', 'HOLA'],
    ['«Привет» мир', 'ПРИВЕТ'],
    ['straße 5', 'STRASSE'],
    ['日本語 テキスト', '日本語'],
    ['😀 yes', 'YES'],
    ['!!! ??? info', 'INFO'],
    ['123abc', '123ABC'],
    ['\u200bSTOP', 'STOP'],
    ['line\nbreak', 'LINE'],
    ['', ''],
    ['   ', ''],
    ['🙂🙂', ''],
  ];
  for (const [text, keyword] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(keyword)}`, function () {
      assert.equal(keywordOf(text), keyword);
    });
  }
});

describe('optOutOf', function () {
  const cases = [
    ['STOP', 'stop'],
    ['stop', 'stop'],
    [' Stop. ', 'stop'],
    ['stop!!!', 'stop'],
    ['STOPALL', 'stop'],
    ['Unsubscribe', 'stop'],
    ['cancel', 'stop'],
    ['END', 'stop'],
    ['quit', 'stop'],
    ['Revoke', 'stop'],
    ['optout', 'stop'],
    ['start', 'start'],
    ['Yes!', 'start'],
    ['UNSTOP', 'start'],
    ['help?', 'help'],
    ['Info', 'help'],
    ['Stop 🛑', 'stop'],
    ['\u200bstop\u200b', 'stop'],
    ['stop please', undefined],
    ['please stop', undefined],
    ['STOP STOP', undefined],
    ['stopp', undefined],
    ['yesterday', undefined],
    ['', undefined],
    ['toString', undefined],
    ['constructor', undefined],
    ['__proto__', undefined],
    ['hasOwnProperty', undefined],
  ];
  for (const [text, optOut] of cases) {
    it(`${JSON.stringify(text)} → ${optOut}`, function () {
      assert.equal(optOutOf(text), optOut);
    });
  }
});
