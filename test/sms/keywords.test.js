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

describe('the keywords as the documentation lists them', function () {
  const fs = require('node:fs');
  const path = require('node:path');
  const { standardKeywords } = require('../../dist/sms/keywords');
  const ROOT = path.join(__dirname, '..', '..');
  const byMeaning = () => {
    const groups = { stop: [], start: [], help: [] };
    for (const [word, meaning] of Object.entries(standardKeywords())) groups[meaning].push(word);
    return groups;
  };
  /** The `STOP, … / START, … / HELP, …` list in `text`, as the groups it names. */
  const listIn = (text, where) => {
    const m = /\((STOP, [A-Z, ]+) \/ (START, [A-Z, ]+) \/ (HELP, [A-Z, ]+)\)/.exec(text);
    assert.ok(m, `${where} lists the keywords as (STOP, … / START, … / HELP, …)`);
    const words = (s) => s.split(/,\s*/).sort();
    return { stop: words(m[1]), start: words(m[2]), help: words(m[3]) };
  };
  const sorted = () => Object.fromEntries(Object.entries(byMeaning()).map(([k, v]) => [k, v.sort()]));

  it('the README names every word the code takes, and no other', function () {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.deepEqual(listIn(readme, 'README'), sorted());
    const section = readme.slice(readme.indexOf('## Opt-outs'), readme.indexOf('**Whose list.**'));
    for (const word of byMeaning().stop) assert.match(section, new RegExp(`\\b${word}\\b`), `the Opt-outs section names ${word}`);
  });

  it('the sms in help names every word the code takes, and no other', function () {
    const help = fs.readFileSync(path.join(ROOT, 'src/nodes/sms-in/locales/en-US/sms-in.html'), 'utf8');
    assert.deepEqual(listIn(help, 'the sms in help'), sorted());
  });
});
