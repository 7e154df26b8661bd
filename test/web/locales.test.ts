// Every language of the web faces has every English text, with the same placeholders: a missing
// key would show English in the middle of a page, a missing {{value}} would drop a number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../src/web/src/locales/', import.meta.url));
const LANGS = ['en', 'de', 'fr', 'nl', 'es', 'pl', 'ar'];

type Tree = { [k: string]: string | Tree };
const read = (file: string): Tree => JSON.parse(readFileSync(file, 'utf8')) as Tree;
// A feature's texts may live in locales/<feature>/<lang>.json; the page sees them under <feature>.
const FEATURES = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const load = (lang: string): Tree => {
  const tree = read(`${DIR}${lang}.json`);
  for (const f of FEATURES) {
    assert.equal(tree[f], undefined, `${lang}.json has a key ${f}, which is also a feature folder`);
    tree[f] = read(`${DIR}${f}/${lang}.json`);
  }
  return tree;
};

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();

test('the seven languages are there, and only they, also in every feature folder', () => {
  const langsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  assert.deepEqual(langsIn(DIR), [...LANGS].sort());
  for (const f of FEATURES) assert.deepEqual(langsIn(`${DIR}${f}`), [...LANGS].sort(), f);
});

for (const lang of LANGS.filter((l) => l !== 'en')) {
  test(`${lang}: every English key, no other, same placeholders, nothing empty`, () => {
    const en = flatten(load('en'));
    const other = flatten(load(lang));
    assert.deepEqual([...other.keys()].filter((k) => !en.has(k)), [], 'keys English does not have');
    assert.deepEqual([...en.keys()].filter((k) => !other.has(k)), [], 'English keys missing');
    for (const [k, v] of en) {
      assert.deepEqual(placeholders(other.get(k)!), placeholders(v), `${lang} ${k}`);
      assert.notEqual(other.get(k)!.trim(), '', `${lang} ${k} is empty`);
    }
    // Sentences are translated, not copied (unit symbols, codes and names may stay as they are).
    const copied = [...en].filter(([k, v]) => v.split(' ').length >= 4 && other.get(k) === v).map(([k]) => k);
    assert.deepEqual(copied, [], `${lang}: sentences left in English`);
  });
}

test('ar: the Arabic texts are in Arabic script', () => {
  const ar = flatten(load('ar'));
  const latinOnly = [...ar].filter(([, v]) => v.split(' ').length >= 3 && !/[\u0600-\u06FF]/.test(v)).map(([k]) => k);
  assert.deepEqual(latinOnly, []);
});
