import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../model/index.ts';
import { runVee } from './engine.ts';
import { DEFAULT_RULE_SET, assertRuleSet, diffRuleSets, resolveRuleSet, ruleSetFingerprint, type RuleSet } from './rule-set.ts';
import { RULES } from './rules/registry.ts';
import { RULE_IDS } from './types.ts';
import { day, meter, series } from './vee.fixture.ts';

test('every rule id has exactly one rule, and the default rule set is valid JSON-safe configuration', () => {
  assert.deepEqual(RULES.map((r) => r.id).sort(), [...RULE_IDS].sort());
  const copy = JSON.parse(JSON.stringify(DEFAULT_RULE_SET)) as unknown;
  assert.deepEqual(assertRuleSet(copy), DEFAULT_RULE_SET);
  for (const r of RULES) {
    assert.ok(r.title && r.source, `${r.id} names its source`);
    for (const [k, v] of Object.entries(r.params)) assert.ok(typeof v === 'number' || typeof v === 'boolean', `${r.id}.${k}`);
  }
});

const BROKEN: readonly [string, unknown, RegExp][] = [
  ['not an object', 42, /must be an object/],
  ['no id', { version: 1 }, /\.id/],
  ['bad version', { id: 'x', version: -1 }, /\.version/],
  ['unknown top-level key', { id: 'x', version: 1, rulez: {} }, /\.rulez: unknown key/],
  ['unknown rule', { id: 'x', version: 1, rules: { spikes: {} } }, /unknown rule "spikes"/],
  ['unknown parameter', { id: 'x', version: 1, rules: { spike: { params: { kk: 2 } } } }, /\.rules\.spike\.params\.kk: unknown parameter/],
  ['parameter of the wrong type', { id: 'x', version: 1, rules: { spike: { params: { k: 'three' } } } }, /params\.k: must be a finite number/],
  ['negative parameter', { id: 'x', version: 1, rules: { spike: { params: { k: -1 } } } }, /params\.k/],
  ['boolean parameter as number', { id: 'x', version: 1, rules: { 'high-low': { params: { lastYear: 1 } } } }, /lastYear: must be true or false/],
  ['bad severity', { id: 'x', version: 1, rules: { gap: { severity: 'fatal' } } }, /severity: must be one of/],
  ['bad action', { id: 'x', version: 1, rules: { gap: { action: 'delete' } } }, /action: must be one of/],
  ['bad reason code', { id: 'x', version: 1, rules: { gap: { reason: 300 } } }, /reason: must be an MDFF reason code/],
  ['unknown estimation method', { id: 'x', version: 1, estimation: { order: ['linear', 'magic'] } }, /unknown method "magic"/],
  ['register-apportion is not an order entry', { id: 'x', version: 1, estimation: { order: ['register-apportion'] } }, /unknown method/],
  ['bad estimation number', { id: 'x', version: 1, estimation: { linearMaxGapS: 1.5 } }, /linearMaxGapS: must be an integer/],
  ['bad event codes', { id: 'x', version: 1, events: { powerDown: ['1'] } }, /events\.powerDown/],
  ['unknown event kind', { id: 'x', version: 1, events: { tamper: [61] } }, /events\.tamper: unknown key/],
  ['class named default', { id: 'x', version: 1, classes: [{ name: 'default' }] }, /classes\[0\]\.name/],
  ['class twice', { id: 'x', version: 1, classes: [{ name: 'a' }, { name: 'a' }] }, /appears twice/],
  ['class with an unknown rule', { id: 'x', version: 1, classes: [{ name: 'a', rules: { nope: {} } }] }, /classes\[0\]\.rules\.nope/],
  ['class match of the wrong type', { id: 'x', version: 1, classes: [{ name: 'a', match: { tags: 'pv' } }] }, /match\.tags: must be a list/],
];

for (const [what, input, why] of BROKEN) {
  test(`a broken rule set is refused: ${what}`, () => {
    assert.throws(() => assertRuleSet(input), (e: unknown) => hasCode(e, 'VEE_RULESET_INVALID') && why.test((e as Error).message));
  });
}

test('classes: the first match by tag applies; a named class (tariff) wins; an unknown name is refused', () => {
  const pv = resolveRuleSet(DEFAULT_RULE_SET, meter({ tags: ['household', 'pv'] }));
  assert.equal(pv.stamp.className, 'pv');
  assert.equal(pv.rules['zero-run'].params.minHours, 24);
  assert.equal(pv.rules.spike.params.k, 3); // inherited default
  const plain = resolveRuleSet(DEFAULT_RULE_SET, meter());
  assert.equal(plain.stamp.className, 'default');
  assert.equal(plain.rules['zero-run'].params.minHours, 12);
  assert.equal(resolveRuleSet(DEFAULT_RULE_SET, meter(), 'business').rules['zero-run'].params.minHours, 36);
  assert.throws(() => resolveRuleSet(DEFAULT_RULE_SET, meter(), 'tou-2'), (e: unknown) => hasCode(e, 'VEE_RULESET_INVALID'));
});

test('fingerprints: stable across key order and copies, different when anything that matters changes', () => {
  const a: RuleSet = { id: 'u', version: 3, rules: { spike: { params: { k: 4 }, severity: 'warning' } } };
  const b: RuleSet = { version: 3, rules: { spike: { severity: 'warning', params: { k: 4 } } }, id: 'u' };
  assert.equal(ruleSetFingerprint(a), ruleSetFingerprint(b));
  assert.notEqual(ruleSetFingerprint(a), ruleSetFingerprint({ ...a, rules: { spike: { params: { k: 5 } } } }));
  assert.notEqual(ruleSetFingerprint(a), ruleSetFingerprint(DEFAULT_RULE_SET));
  // Restating a default changes nothing.
  assert.equal(ruleSetFingerprint({ id: 'u', version: 1 }), ruleSetFingerprint({ id: 'u', version: 1, rules: { spike: { params: { k: 3 } } } }));
  const r = runVee({ series: series(day()), meter: meter() }, { ruleSet: a });
  assert.deepEqual({ ...r.ruleSet, fingerprint: r.ruleSet.fingerprint.length }, { id: 'u', version: 3, className: 'default', fingerprint: 16 });
  assert.equal(r.ruleSet.fingerprint, resolveRuleSet(b, meter()).stamp.fingerprint);
});

test('diffRuleSets tells re-validation what changed, per class', () => {
  const before = DEFAULT_RULE_SET;
  const after: RuleSet = {
    ...DEFAULT_RULE_SET, version: 2, rules: { spike: { params: { k: 4 } } },
    classes: [...DEFAULT_RULE_SET.classes!, { name: 'ev', match: { tags: ['ev'] }, estimation: { linearMaxGapS: 3600 } }],
  };
  const changes = diffRuleSets(before, after);
  const spike = changes.filter((c) => c.path === 'rules.spike.params.k');
  assert.deepEqual(spike.map((c) => [c.className, c.rule, c.before, c.after]), [['default', 'spike', 3, 4], ['pv', 'spike', 3, 4], ['business', 'spike', 3, 4]]);
  assert.ok(changes.some((c) => c.className === 'ev' && c.path === 'class' && c.before === null));
  assert.deepEqual(diffRuleSets(after, after), []);
});
