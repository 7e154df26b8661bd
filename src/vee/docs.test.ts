import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_ESTIMATION } from './rule-set.ts';
import { RULES } from './rules/registry.ts';
import { METHOD_IDS } from './types.ts';

const doc = readFileSync(new URL('../../docs/vee.md', import.meta.url), 'utf8');
const rows = new Map(doc.split('\n').filter((l) => l.startsWith('| `')).map((l) => [/^\| `([^`]+)`/.exec(l)![1]!, l]));

test('docs/vee.md lists every rule with its severity, action, reason and parameter defaults', () => {
  for (const r of RULES) {
    const row = rows.get(r.id);
    assert.ok(row, `rule ${r.id} is missing from docs/vee.md`);
    assert.ok(row.includes(`${r.severity} · ${r.action} · ${r.reason}`), `${r.id}: severity · action · reason`);
    for (const [k, v] of Object.entries(r.params)) {
      assert.ok(row.includes(`\`${k}\` ${typeof v === 'number' && v >= 1e6 ? v.toExponential().replace('e+', 'e') : v}`), `${r.id}: parameter ${k} default ${v}`);
    }
  }
});

test('docs/vee.md lists every estimation method and the estimation defaults', () => {
  for (const m of METHOD_IDS) assert.ok(rows.has(m), `method ${m} is missing from docs/vee.md`);
  assert.match(doc, new RegExp(`linearMaxGapS\` \\(${DEFAULT_ESTIMATION.linearMaxGapS} s\\)`));
  assert.match(doc, new RegExp(`likeDayWeeks\` \\(${DEFAULT_ESTIMATION.likeDayWeeks}\\)`));
  assert.match(doc, new RegExp(`minHistoryDays\` \\(${DEFAULT_ESTIMATION.minHistoryDays}\\)`));
});
