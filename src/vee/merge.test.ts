import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QUALITY, type QualityFlag } from '../model/index.ts';
import { finalizeEstimates } from './finalize.ts';
import { MERGE, mergeVersions } from './merge.ts';
import { REASON } from './codes.ts';
import { runVee } from './engine.ts';
import { DAY, Q, day, meter, series } from './vee.fixture.ts';

const one = (value: number, q: QualityFlag, reason = 0) => series([value], { quality: [q], reason: [reason] });

const CASES: readonly [string, [number, QualityFlag], [number, QualityFlag], number, number][] = [
  // what, stored, incoming, expected value, expected decision
  ['same actual twice', [5, 'A'], [5, 'A'], 5, MERGE.duplicate],
  ['actual replaces an estimate', [5, 'E'], [7, 'A'], 7, MERGE.actualOverEstimate],
  ['actual replaces a substitute', [5, 'S'], [7, 'A'], 7, MERGE.actualOverEstimate],
  ['late actual replaces a final substitute', [5, 'F'], [7, 'A'], 7, MERGE.actualOverFinal],
  ['an estimate never overwrites actual', [5, 'A'], [7, 'E'], 5, MERGE.estimateRefused],
  ['a substitute never overwrites actual', [5, 'A'], [7, 'S'], 5, MERGE.estimateRefused],
  ['a newer estimate replaces an older one', [5, 'E'], [7, 'S'], 7, MERGE.reestimated],
  ['a final substitute stays over a new estimate', [5, 'F'], [7, 'E'], 5, MERGE.finalKept],
  ['missing incoming keeps what is stored', [5, 'A'], [0, 'N'], 5, MERGE.storedKept],
  ['two different actuals: the incoming one (preferIncoming)', [5, 'A'], [7, 'A'], 7, MERGE.conflictTookIncoming],
  ['nothing stored', [0, 'N'], [7, 'A'], 7, MERGE.none],
];

for (const [what, [sv, sq], [iv, iq], value, decision] of CASES) {
  test(`merge: ${what}`, () => {
    const m = mergeVersions(one(sv, sq), one(iv, iq), true);
    assert.equal(m.values[0], value);
    assert.equal(m.decision[0], decision);
  });
}

test('merge aligns the stored version by time and ignores another channel or grid', () => {
  const stored = series([1, 2, 3, 4], { start: DAY - 2 * Q, quality: ['A', 'A', 'E', 'E'] });
  const m = mergeVersions(stored, series([9, 0, 0], { quality: ['A', 'N', 'N'] }), true);
  assert.deepEqual([...m.values], [9, 4, 0]);
  assert.deepEqual([...m.quality], [QUALITY.A, QUALITY.E, QUALITY.N]);
  assert.deepEqual([...mergeVersions({ ...stored, intervalS: 300 }, series([9]), true).decision], [MERGE.none]);
});

const FLAGS: QualityFlag[] = ['A', 'S', 'E', 'F', 'N', 'V'];
test('property: an estimate never overwrites actual data, and actual data always beats an estimate', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(100), fc.constantFrom(...FLAGS), fc.nat(100), fc.constantFrom(...FLAGS)), { minLength: 1, maxLength: 50 }), fc.boolean(), (rows, prefer) => {
    const stored = series(rows.map((r) => r[0]), { quality: rows.map((r) => r[1]) });
    const incoming = series(rows.map((r) => r[2]), { quality: rows.map((r) => r[3]) });
    const m = mergeVersions(stored, incoming, prefer);
    rows.forEach(([sv, sq, iv, iq], i) => {
      const actual = (q: QualityFlag): boolean => q === 'A' || q === 'V';
      if (actual(sq) && !actual(iq)) assert.equal(m.values[i], sv);
      if (actual(iq) && !actual(sq)) assert.equal(m.values[i], iv);
      if (iq === 'N') assert.equal(m.values[i], sq === 'N' ? iv : sv);
    });
  }));
});

test('finalize: S and E up to the cutoff become F; E gets a reason (MDFF: F needs one); A and later intervals stay', () => {
  const s = series([1, 2, 3, 4, 5], { quality: ['A', 'S', 'E', 'E', 'N'], reason: [0, 45, 0, 0, 0] });
  const f = finalizeEstimates(s, DAY + 3 * Q);
  assert.equal(f.finalized, 2);
  assert.deepEqual([...f.series.quality], [QUALITY.A, QUALITY.F, QUALITY.F, QUALITY.E, QUALITY.N]);
  assert.deepEqual([...f.series.reason], [0, 45, REASON.nullData, 0, 0]);
  assert.deepEqual([...s.quality], [QUALITY.A, QUALITY.S, QUALITY.E, QUALITY.E, QUALITY.N]); // input untouched
});

test('actual data arriving after the final substitute replaces it, with a warning for the audit', () => {
  const v = day();
  const gap = series(v.map((x, i) => (i === 40 ? 0 : x)), { quality: v.map((_, i) => (i === 40 ? 'N' : 'A')) });
  const first = runVee({ series: gap, meter: meter() });
  const final = finalizeEstimates(first.series, DAY + 86_400).series;
  assert.equal(final.quality[40], QUALITY.F);
  const late = runVee({ series: series(v), meter: meter(), prior: final });
  assert.equal(late.series.values[40], v[40]);
  assert.equal(late.series.quality[40], QUALITY.A);
  assert.ok(late.findings.some((f) => f.rule === 'conflicting-version' && f.severity === 'warning' && f.from === 40));
  // And an estimate arriving later never replaces the actual data stored meanwhile.
  const again = runVee({ series: gap, meter: meter(), prior: late.series });
  assert.equal(again.series.values[40], v[40]);
  assert.equal(again.series.quality[40], QUALITY.A);
});
