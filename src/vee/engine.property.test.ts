import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QUALITY, hasCode, type IntervalSeries, type MeterEvent, type QualityFlag } from '../model/index.ts';
import { runVee } from './engine.ts';
import type { VeeInput } from './types.ts';
import { DAY, EXPORT, IMPORT, Q, VOLTAGE, history, meter, register, series, shape, sum } from './vee.fixture.ts';

interface Case {
  readonly input: VeeInput;
  readonly truth: number[];
}

const FLAGS: QualityFlag[] = ['A', 'A', 'A', 'A', 'A', 'A', 'N', 'N', 'S', 'E', 'F', 'V'];

/** A day of import energy with random gaps, odd values and foreign quality; optional history, registers, events, prior. */
const caseArb: fc.Arbitrary<Case> = fc.record({
  noise: fc.array(fc.integer({ min: -20, max: 60 }), { minLength: 96, maxLength: 96 }),
  flags: fc.array(fc.constantFrom(...FLAGS), { minLength: 96, maxLength: 96 }),
  gaps: fc.array(fc.tuple(fc.nat(95), fc.integer({ min: 1, max: 40 })), { maxLength: 3 }),
  odd: fc.array(fc.tuple(fc.nat(95), fc.constantFrom(-500, 20_000, 0)), { maxLength: 3 }),
  historyDays: fc.constantFrom(0, 3, 7, 28),
  registers: fc.constantFrom('none', 'true', 'off'),
  outage: fc.option(fc.tuple(fc.nat(90), fc.integer({ min: 1, max: 8 }))),
  readThrough: fc.option(fc.nat(96)),
  prior: fc.boolean(),
  channel: fc.constantFrom(IMPORT, IMPORT, EXPORT),
}).map((c) => {
  const truth = Array.from({ length: 96 }, (_, i) => Math.max(0, shape(i) + c.noise[i]!));
  const values = truth.slice();
  const flags = c.flags.slice();
  for (const [at, len] of c.gaps) for (let i = at; i < Math.min(96, at + len); i++) flags[i] = 'N';
  for (const [at, v] of c.odd) { values[at] = v; flags[at] = 'A'; }
  for (let i = 0; i < 96; i++) if (flags[i] === 'N') values[i] = 0;
  const total = sum(truth);
  const registers = c.registers === 'none' ? [] : [register(DAY, 10_000, c.channel), register(DAY + 86_400, 10_000 + total + (c.registers === 'off' ? 5000 : 0), c.channel)];
  const events: MeterEvent[] = c.outage ? [{ meterId: 'M1', at: DAY + c.outage[0] * Q + 7, code: 1 }, { meterId: 'M1', at: DAY + (c.outage[0] + c.outage[1]) * Q, code: 2 }] : [];
  const s = series(values, { quality: flags, channel: c.channel });
  const input: VeeInput = {
    series: s, meter: meter({ tags: ['household', 'pv'] }), history: c.historyDays ? history(c.historyDays, DAY, shape, c.channel) : undefined,
    registers, events, ...(c.readThrough !== null ? { readThrough: DAY + c.readThrough * Q } : {}),
    ...(c.prior ? { prior: series(truth.map((v, i) => (i % 7 === 0 ? v : 0)), { quality: truth.map((_, i) => (i % 7 === 0 ? 'A' : 'N')), channel: c.channel }) } : {}),
  };
  return { input, truth };
});

const copy = (s: IntervalSeries): IntervalSeries => ({ ...s, values: s.values.slice(), quality: s.quality.slice(), ...(s.reason ? { reason: s.reason.slice() } : {}) });
const same = (a: IntervalSeries, b: IntervalSeries): void => {
  assert.deepEqual([...a.values], [...b.values]);
  assert.deepEqual([...a.quality], [...b.quality]);
  assert.deepEqual([...(a.reason ?? new Uint8Array(a.values.length))], [...(b.reason ?? new Uint8Array(b.values.length))]);
};

test('property: deterministic — the same input gives the same result', () => {
  fc.assert(fc.property(caseArb, ({ input }) => {
    const a = runVee(input);
    const b = runVee(input);
    same(a.series, b.series);
    assert.deepEqual([...a.method], [...b.method]);
    assert.deepEqual(a.findings, b.findings);
    assert.deepEqual(a.estimates, b.estimates);
  }), { numRuns: 150 });
});

test('property: the inputs are never modified', () => {
  fc.assert(fc.property(caseArb, ({ input }) => {
    const before = { series: copy(input.series), history: input.history?.map(copy), prior: input.prior && copy(input.prior), registers: JSON.stringify(input.registers) };
    runVee(input);
    same(input.series, before.series);
    input.history?.forEach((h, k) => same(h, before.history![k]!));
    if (input.prior) same(input.prior, before.prior!);
    assert.equal(JSON.stringify(input.registers), before.registers);
  }), { numRuns: 150 });
});

test('property: idempotent — running the engine on its own output changes no interval', () => {
  fc.assert(fc.property(caseArb, ({ input }) => {
    const once = runVee(input);
    const twice = runVee({ ...input, series: once.series, prior: undefined });
    same(twice.series, once.series);
    assert.equal(twice.changed, 0);
  }), { numRuns: 200 });
});

test('property: estimation never changes actual data that passed validation, nor quality from the source', () => {
  fc.assert(fc.property(caseArb, ({ input }) => {
    const r = runVee(input);
    const s = input.series;
    for (let i = 0; i < 96; i++) {
      const q = s.quality[i]!;
      if (input.prior === undefined && (q === QUALITY.S || q === QUALITY.E || q === QUALITY.F)) {
        assert.equal(r.series.quality[i], q);
        assert.equal(r.series.values[i], s.values[i]);
      }
      if ((q === QUALITY.A || q === QUALITY.V) && r.series.values[i] !== s.values[i] && input.prior === undefined) {
        const failed = r.findings.some((f) => f.action === 'invalidate' && f.from <= i && i < f.to);
        assert.ok(failed, `actual interval ${i} changed from ${s.values[i]} to ${r.series.values[i]} without a failed rule`);
        assert.notEqual(r.series.quality[i], QUALITY.A);
      }
    }
  }), { numRuns: 200 });
});

test('property: estimates on energy channels are never negative', () => {
  fc.assert(fc.property(caseArb, ({ input }) => {
    const r = runVee(input);
    for (const e of r.estimates) for (let i = e.from; i < e.to; i++) assert.ok(r.series.values[i]! >= 0, `estimate ${r.series.values[i]} at ${i}`);
  }), { numRuns: 200 });
});

test('property: with registers at both ends of the day, actual + estimated intervals add up to the register advance exactly', () => {
  const arb = fc.record({
    noise: fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 96, maxLength: 96 }),
    gaps: fc.array(fc.tuple(fc.nat(95), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 4 }),
    extra: fc.nat(50_000),
    historyDays: fc.constantFrom(0, 3, 28),
  });
  fc.assert(fc.property(arb, ({ noise, gaps, extra, historyDays }) => {
    const truth = noise.map((n, i) => shape(i) + n);
    const flags: QualityFlag[] = truth.map(() => 'A');
    for (const [at, len] of gaps) for (let i = at; i < Math.min(96, at + len); i++) flags[i] = 'N';
    const values = truth.map((v, i) => (flags[i] === 'N' ? 0 : v));
    const delta = sum(truth) + extra;
    const r = runVee({
      series: series(values, { quality: flags }), meter: meter(), registers: [register(DAY, 123_456), register(DAY + 86_400, 123_456 + delta)],
      ...(historyDays ? { history: history(historyDays) } : {}),
    });
    assert.equal(sum(r.series.values), delta);
    assert.ok(r.estimates.every((e) => e.method === 'register-apportion' && e.inputs.register?.delta === delta));
  }), { numRuns: 300 });
});

test('validate-only leaves the series exactly as it came, findings and all', () => {
  const v = Array.from({ length: 96 }, (_, i) => shape(i));
  v[3] = -7;
  const s = series(v, { quality: v.map((_, i) => (i === 9 ? 'N' : 'A')) });
  const r = runVee({ series: s, meter: meter() }, { mode: 'validate-only' });
  same(r.series, s);
  assert.equal(r.changed, 0);
  assert.deepEqual(r.estimates, []);
  assert.deepEqual(r.findings.map((f) => f.rule).sort(), ['gap', 'negative-import']);
});

test('reestimate: estimates from an earlier run are made again (with more history now), final ones are kept', () => {
  const v = Array.from({ length: 96 }, (_, i) => shape(i));
  const s = series(v.map((x, i) => (i >= 10 && i < 40 ? 1 : x)), { quality: v.map((_, i) => (i >= 10 && i < 30 ? 'E' : i >= 30 && i < 40 ? 'F' : 'A')) });
  const r = runVee({ series: s, meter: meter(), history: history(28) }, { reestimate: true });
  assert.equal(r.series.values[10], shape(10));
  assert.equal(r.series.quality[10], QUALITY.S);
  assert.equal(r.series.values[30], 1);
  assert.equal(r.series.quality[30], QUALITY.F);
});

test('bad input is refused with VEE_INPUT_INVALID', () => {
  const s = series([1, 2, 3]);
  assert.throws(() => runVee({ series: { ...s, quality: new Uint8Array(2) }, meter: meter() }), (e: unknown) => hasCode(e, 'VEE_INPUT_INVALID'));
  assert.throws(() => runVee({ series: s, meter: meter({ id: 'other' }) }), (e: unknown) => hasCode(e, 'VEE_INPUT_INVALID'));
  assert.throws(() => runVee({ series: { ...s, values: [1, 2, 3] as unknown as Float64Array }, meter: meter() }), (e: unknown) => hasCode(e, 'VEE_INPUT_INVALID'));
  assert.throws(() => runVee({ series: { ...s, intervalS: 7 }, meter: meter() }), (e: unknown) => hasCode(e, 'VEE_INPUT_INVALID'));
});

test('a channel the OBIS table does not know gets the generic rules and linear interpolation, no energy methods', () => {
  const s = { ...series([1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], { quality: ['A', 'A', 'N', 'A', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'A'] }), channel: VOLTAGE.replace('32.7.0', '99.1.0') as typeof VOLTAGE };
  const r = runVee({ series: s, meter: meter(), history: history(28) });
  assert.deepEqual(r.findings.map((f) => f.rule), ['gap', 'gap']);
  assert.equal(r.series.values[2], 3);
  assert.equal(r.estimates.length, 1); // the 2 h 15 min gap is too long for linear; nothing else applies
  assert.equal(r.series.quality[4], QUALITY.N);
});
