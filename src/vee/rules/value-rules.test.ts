import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY } from '../../model/index.ts';
import { REASON } from '../codes.ts';
import { runVee } from '../engine.ts';
import type { RuleSet } from '../rule-set.ts';
import { DAY, EXPORT, Q, day, history, meter, register, series, shape, sum } from '../vee.fixture.ts';

const only = (r: ReturnType<typeof runVee>, rule: string) => r.findings.filter((f) => f.rule === rule);

test('gap: each run of missing intervals is one finding (error, reason 78) with its range', () => {
  const v = day();
  const q = v.map((_, i) => (i === 5 || (i >= 20 && i < 23) ? 'N' as const : 'A' as const));
  const [a, b] = only(runVee({ series: series(v, { quality: q }), meter: meter() }), 'gap');
  assert.deepEqual([a!.from, a!.to, b!.from, b!.to], [5, 6, 20, 23]);
  assert.equal(a!.severity, 'error');
  assert.equal(a!.reason, REASON.nullData);
  assert.equal(b!.start, DAY + 20 * Q);
  assert.equal(b!.end, DAY + 23 * Q);
  const quiet: RuleSet = { id: 't', version: 1, rules: { gap: { params: { minIntervals: 2 } } } };
  assert.equal(only(runVee({ series: series(v, { quality: q }), meter: meter() }, { ruleSet: quiet }), 'gap').length, 1);
});

test('negative-import: a negative import interval is invalidated and substituted; export channels are not checked', () => {
  const v = day();
  v[30] = -12;
  const r = runVee({ series: series(v), meter: meter() });
  const [f] = only(r, 'negative-import');
  assert.deepEqual([f!.from, f!.to, f!.measured, f!.severity], [30, 31, -12, 'error']);
  assert.equal(r.series.quality[30], QUALITY.S);
  assert.equal(r.series.reason[30], REASON.failedValidation);
  assert.ok(r.series.values[30]! >= 0);
  assert.equal(only(runVee({ series: series(v, { channel: EXPORT }), meter: meter({ tags: ['pv'] }) }), 'negative-import').length, 0);
});

test('spike: far above the meter\'s typical peak for the time of day and its 4-week high → substituted', () => {
  const v = day();
  v[12] = 5000; // 03:00: the history's peak around then is ~50 Wh
  const r = runVee({ series: series(v), meter: meter(), history: history(28) });
  const [f] = only(r, 'spike');
  assert.deepEqual([f!.from, f!.measured], [12, 5000]);
  assert.ok(f!.limit! < 5000);
  assert.equal(r.series.quality[12], QUALITY.S);
  assert.notEqual(r.series.values[12], 5000);
});

test('spike: a high but ordinary evening interval is not a spike; nor is a new high just above the old one', () => {
  const v = day();
  v[76] = Math.round(shape(76) * 1.3);
  assert.equal(only(runVee({ series: series(v), meter: meter(), history: history(28) }), 'spike').length, 0);
});

test('spike without history: the Oracle check, highest against third-highest interval of the window', () => {
  const v = day();
  v[12] = 5000;
  v[13] = 4000; // two spikes: both go, one round each
  const r = runVee({ series: series(v), meter: meter() });
  assert.deepEqual(only(r, 'spike').map((f) => f.from), [12, 13]);
});

test('zero-run: 12 h of zero import is a warning (reason 68) unless an outage explains it; PV meters get 24 h', () => {
  const v = day((i) => (i >= 24 && i < 72 ? 0 : shape(i)));
  const [f] = only(runVee({ series: series(v), meter: meter() }), 'zero-run');
  assert.deepEqual([f!.from, f!.to, f!.severity, f!.reason, f!.action], [24, 72, 'warning', REASON.zeroConsumption, 'flag']);
  const events = [{ meterId: 'M1', at: DAY + 24 * Q, code: 1 }, { meterId: 'M1', at: DAY + 72 * Q, code: 2 }];
  assert.equal(only(runVee({ series: series(v), meter: meter(), events }), 'zero-run')[0]!.severity, 'info');
  assert.equal(only(runVee({ series: series(v), meter: meter({ tags: ['household', 'pv'] }) }), 'zero-run').length, 0);
  const r = runVee({ series: series(v), meter: meter() });
  assert.deepEqual([...r.series.values], v); // flag only: the data stays
});

test('high-low: the day against the same day of the last 4 weeks (warning, 74 high / 73 low)', () => {
  const hist = history(28);
  // Six times the usual load in every interval would also be spikes; here only high-low is asked.
  const noSpike: RuleSet = { id: 't', version: 1, rules: { spike: { enabled: false } } };
  const high = runVee({ series: series(day((i) => shape(i) * 6)), meter: meter(), history: hist }, { ruleSet: noSpike });
  const [h] = only(high, 'high-low');
  assert.equal(h!.reason, REASON.highConsumption);
  assert.ok(Math.abs(h!.measured! - 6) < 0.01);
  // Low needs a loss of more than 10 kWh a day too: a heavier history.
  const low = runVee({ series: series(day((i) => Math.round(shape(i) / 4))), meter: meter(), history: history(28, DAY, (i) => shape(i) * 3) });
  assert.equal(only(low, 'high-low')[0]!.reason, REASON.lowConsumption);
  assert.equal(only(runVee({ series: series(day((i) => shape(i) * 2)), meter: meter(), history: hist }), 'high-low').length, 0);
});

test('high-low: last year (364 days back, the same weekday)', () => {
  const lastYear = [series(day((i) => shape(i) * 10), { start: DAY - 364 * 86_400 })];
  const rs: RuleSet = { id: 't', version: 1, rules: { 'high-low': { params: { lastWeek: false } } } };
  const [f] = only(runVee({ series: series(day()), meter: meter(), history: lastYear }, { ruleSet: rs }), 'high-low');
  assert.match(f!.message, /last year/);
  assert.equal(f!.reason, REASON.lowConsumption);
});

test('register-sum: the register advance must match the interval sum within the accuracy class (1 %)', () => {
  const v = day();
  const total = sum(v);
  const ok = runVee({ series: series(v), meter: meter(), registers: [register(DAY, 500), register(DAY + 86_400, 500 + total + Math.floor(total * 0.005))] });
  assert.equal(only(ok, 'register-sum').length, 0);
  const bad = runVee({ series: series(v), meter: meter(), registers: [register(DAY, 500), register(DAY + 86_400, 500 + total + Math.ceil(total * 0.05))] });
  const [f] = only(bad, 'register-sum');
  assert.deepEqual([f!.from, f!.to, f!.severity, f!.action], [0, 96, 'warning', 'flag']);
  assert.equal(f!.measured, -Math.ceil(total * 0.05));
  assert.equal(f!.limit, Math.max(Math.ceil(total * 0.05 + total) / 100, 96));
});

test('register-rollover: a 6-digit kWh register wraps at 10^9 Wh; the wrapped interval is restored exactly', () => {
  const v = day();
  const before = 1e9 - 1000;
  const after = before + sum(v) - 1e9;
  const wrapped = v.slice();
  let acc = before;
  const at = wrapped.findIndex((x) => (acc += x) >= 1e9);
  wrapped[at] = v[at]! - 1e9;
  const r = runVee({ series: series(wrapped), meter: meter(), registers: [register(DAY, before), register(DAY + 86_400, after)] });
  const [f] = only(r, 'register-rollover');
  assert.deepEqual([f!.from, f!.to, f!.severity, f!.reason], [at, at + 1, 'warning', REASON.resetOccurred]);
  assert.equal(r.series.values[at], v[at]);
  assert.equal(r.estimates[0]!.inputs.register!.delta, sum(v));
});

test('register-reset: the register falls; the interval across it is substituted, not bounded by the register', () => {
  const v = day();
  const wrong = v.slice();
  wrong[40] = v[40]! - 2_000_000;
  const r = runVee({ series: series(wrong), meter: meter(), registers: [register(DAY, 2_000_000 - sum(v, 0, 40)), register(DAY + 86_400, sum(v, 40))] });
  const [f] = only(r, 'register-reset');
  assert.deepEqual([f!.from, f!.severity, f!.reason], [40, 'error', REASON.resetOccurred]);
  assert.equal(r.estimates[0]!.method, 'linear');
  assert.equal(r.series.quality[40], QUALITY.S);
});

test('register-reset seen in the intervals alone: the register restarted from 0 and ended above its start', () => {
  const v = day();
  const start = 100; // tiny: after the reset the day's consumption takes the register past it
  const wrong = v.slice();
  wrong[10] = v[10]! - (start + sum(v, 0, 10));
  const r = runVee({ series: series(wrong), meter: meter(), registers: [register(DAY, start), register(DAY + 86_400, sum(v, 10))] });
  assert.equal(only(r, 'register-reset').length, 1);
  assert.equal(only(r, 'register-reset')[0]!.from, 10);
});

test('spike: weeks of stored N (a new meter read from the store) are no history; the window check applies', () => {
  const empty = series(new Array(28 * 96).fill(0), { start: DAY - 28 * 86_400, quality: new Array(28 * 96).fill('N') });
  const r = runVee({ series: series(day()), meter: meter(), history: [empty] });
  assert.equal(only(r, 'spike').length, 0);
  const v = day();
  v[12] = 5000;
  assert.deepEqual(only(runVee({ series: series(v), meter: meter(), history: [empty] }), 'spike').map((f) => f.from), [12]);
});

test('history as one long series (as the store reads it) works like day blocks', () => {
  const days = history(28);
  const long = series(days.flatMap((s) => [...s.values]), { start: days[0]!.start });
  const v = day();
  v[12] = 5000;
  const a = runVee({ series: series(v), meter: meter(), history: days });
  const b = runVee({ series: series(v), meter: meter(), history: [long] });
  assert.deepEqual(a.findings, b.findings);
  assert.deepEqual([...a.series.values], [...b.series.values]);
});
