// TOU verification rules: every injected misconfiguration named, correct meters never flagged.
// Register readings come from the simulated meter firmware (src/sim/tou-registers.ts), an
// implementation of the meter's calendar that shares no code with the tariff engine.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { localBuckets, localDateStart, MeterstackError, obis, QUALITY, zoneOffsetAt, type IntervalSeries } from '../../model/index.ts';
import { misconfigure, touRegisterReadings, type TouMisconfiguration, type TouProgram } from '../../sim/tou-registers.ts';
import { parseTariff, type Tariff } from '../tariffs/tariff.model.ts';
import { AMS, NL_PROGRAM, SEASONAL_DOC, SEASONAL_PROGRAM } from '../../../test/support/tou-fleet.ts';
import { buildTouModel, verifyMeter, type TouMeterResult, type TouModel, type TouVerifyOptions } from './tou-verify.rules.ts';

const example = (file: string): Tariff => parseTariff(JSON.parse(readFileSync(new URL(`../../../examples/tariffs/${file}`, import.meta.url), 'utf8')));
const NL = example('nl-dubbel-2026.json');
const E7 = example('gb-economy7-2026.json');
const LON = 'Europe/London';

const WORK5 = <T>(work: T, off: T): [T, T, T, T, T, T, T] => [work, work, work, work, work, off, off];
const SEASONAL = parseTariff(SEASONAL_DOC);

/** Economy 7: register 1 = day, 2 = night 00:30–07:30 on a clock that stays on GMT. */
const E7_PROGRAM: TouProgram = {
  zone: LON, clock: 'standard', clockOffsetS: 0, registers: 2,
  seasons: [{ name: 'all', start: '01-01', week: WORK5('d', 'd') }],
  dayProfiles: { d: [{ at: '00:00', register: 1 }, { at: '00:30', register: 2 }, { at: '07:30', register: 1 }] },
};

const models = new Map<string, TouModel>();
function modelFor(t: Tariff, zone: string, fromDate: string, toDate: string): TouModel {
  const key = `${t.id}|${zone}|${fromDate}|${toDate}`;
  let m = models.get(key);
  if (!m) models.set(key, (m = buildTouModel([{ version: 1, tariff: t }], zone, localDateStart(fromDate, zone), localDateStart(toDate, zone))));
  return m;
}

/** A household-like load: a night base, a day plateau and an evening peak lasting till 23:00, with noise. */
function householdLoad(seed: number, zone: string): (t: number) => number {
  return (t) => {
    const h = Math.floor((((t + zoneOffsetAt(t, zone).offset * 60) % 86_400) + 86_400) % 86_400 / 3600);
    let x = Math.imul((t / 900) ^ seed, 2654435761) >>> 0;
    x ^= x >>> 15;
    return 40 + (h >= 6 && h < 23 ? 120 : 0) + (h >= 17 && h < 23 ? 180 : 0) + (x % 90);
  };
}

interface Scenario {
  readonly tariff: Tariff;
  readonly zone: string;
  readonly from: string;
  readonly to: string;
  readonly program: TouProgram;
  readonly faults?: readonly TouMisconfiguration[];
  readonly load?: (t: number) => number;
  /** Changes the stored data after the meter counted the true energy (gaps, estimates). */
  readonly store?: (values: Float64Array, quality: Uint8Array, model: TouModel) => void;
  /** Seconds after local midnight at which the head-end reads the registers. */
  readonly readAtS?: number;
  readonly resolutionWh?: number;
  readonly options?: TouVerifyOptions;
}

function run(s: Scenario): { result: TouMeterResult; model: TouModel } {
  const model = modelFor(s.tariff, s.zone, s.from, s.to);
  const load = s.load ?? householdLoad(7, s.zone);
  const values = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) values[i] = load(model.from + i * 900);
  const truth: IntervalSeries = { meterId: 'M', channel: obis('1-0:1.8.0'), start: model.from, intervalS: 900, values, quality: new Uint8Array(model.n) };
  const program = (s.faults ?? []).reduce(misconfigure, s.program);
  const days = localBuckets(model.from, model.to, s.zone, 'day');
  const readTimes = [...days.map((d) => d.start), model.to].map((t) => t + (s.readAtS ?? 0)).filter((t) => t <= model.to);
  const reads = touRegisterReadings(truth, program, { readTimes, initial: [1_234_567, 7_654_321], ...(s.resolutionWh ? { resolutionWh: s.resolutionWh } : {}) });
  const registers = model.registers.map((code) => reads.filter((r) => r.channel === obis(code)).map((r) => ({ at: r.at, value: r.value })));
  const stored = Float64Array.from(values);
  const quality = new Uint8Array(model.n).fill(QUALITY.A);
  s.store?.(stored, quality, model);
  const options = { ...(s.resolutionWh ? { resolutionWh: s.resolutionWh } : {}), ...s.options };
  return { result: verifyMeter(model, { values: stored, quality, registers }, options), model };
}

const NL_SPRING = { tariff: NL, zone: AMS, from: '2026-03-16', to: '2026-04-13', program: NL_PROGRAM } as const;

test('a correctly programmed meter is ok, over the spring-forward day in Amsterdam (92 quarter-hours)', () => {
  const { result, model } = run(NL_SPRING);
  assert.deepEqual(model.registers, ['1-0:1.8.1', '1-0:1.8.2'], 'registers in OBIS order: 1.8.1 dal, 1.8.2 normaal');
  assert.equal(model.n, 28 * 96 - 4);
  assert.equal(result.verdict, 'ok');
  assert.equal(result.windows.usable, 28);
  assert.equal(result.windows.violating, 0);
  assert.equal(result.residualWh.calendar, 0, 'the firmware counts exactly what the calendar says');
  assert.deepEqual(model.untestable, []);
});

test('each injected fault is named: swapped registers, no DST, clock ahead/behind, TOU clock on UTC (Amsterdam)', () => {
  const swapped = run({ ...NL_SPRING, faults: [{ kind: 'registers-swapped', a: 1, b: 2 }] }).result;
  assert.equal(swapped.verdict, 'misconfigured');
  assert.equal(swapped.cause, 'registers-swapped');
  assert.deepEqual(swapped.faults, [{ kind: 'registers-swapped', registers: ['1-0:1.8.1', '1-0:1.8.2'] }]);
  assert.equal(swapped.confidence, 'high');
  assert.equal(swapped.explained, 1);
  assert.equal(swapped.residualWh.cause, 0);

  const noDst = run({ ...NL_SPRING, faults: [{ kind: 'no-dst' }] }).result;
  assert.equal(noDst.cause, 'dst-not-applied');
  assert.equal(noDst.confidence, 'high', 'the range spans the change, so a clock 1 h behind is told apart');
  // Only the summer-time days differ: the first evidence window is the night into 29 March at the earliest.
  assert.ok(noDst.evidence.windows.every((w) => w.from >= '2026-03-29'), JSON.stringify(noDst.evidence.windows[0]));
  // During summer time the meter (on winter time) switches to normaal at 08:00 and back at 00:00 local.
  assert.deepEqual([...new Set(noDst.evidence.hours.map((h) => `${h.hour} ${h.calendar}→${h.meter}`))].sort(), ['23 1-0:1.8.1→1-0:1.8.2', '7 1-0:1.8.2→1-0:1.8.1']);

  for (const minutes of [15, -15, 30, -45, 60, 120, -120]) {
    const r = run({ ...NL_SPRING, faults: [{ kind: 'clock-offset', seconds: minutes * 60 }] }).result;
    assert.equal(r.cause, 'clock-offset', `${minutes} min`);
    assert.deepEqual(r.faults, [{ kind: 'clock-offset', minutes }]);
    assert.equal(r.confidence, 'high', `${minutes} min`);
  }

  const utc = run({ ...NL_SPRING, faults: [{ kind: 'no-dst' }, { kind: 'clock-offset', seconds: -3600 }] }).result;
  assert.equal(utc.cause, 'dst-not-applied+clock-offset');
  assert.match(utc.note ?? '', /UTC/);
});

test('a clock off by minutes, not whole quarter-hours, is still reported as a clock offset, with low confidence', () => {
  const r = run({ ...NL_SPRING, faults: [{ kind: 'clock-offset', seconds: 37 * 60 }] }).result;
  assert.equal(r.verdict, 'misconfigured');
  assert.equal(r.cause, 'clock-offset');
  // No quarter-hour offset fits exactly, and with daily reads the best one need not be the nearest.
  assert.equal(r.confidence, 'low');
  assert.ok(r.explained! > 0.5 && r.residualWh.cause! < r.residualWh.calendar / 2, JSON.stringify(r.residualWh));
});

test('summer only: no DST and a clock 1 h behind look the same, and the report says so; in winter no DST cannot show', () => {
  const summer = run({ ...NL_SPRING, from: '2026-06-01', to: '2026-06-29', faults: [{ kind: 'no-dst' }] }).result;
  assert.equal(summer.cause, 'dst-not-applied');
  assert.equal(summer.confidence, 'medium');
  assert.ok(summer.alternatives.some((a) => a.cause === 'clock-offset' && a.faults[0]!.kind === 'clock-offset' && a.faults[0]!.minutes === -60));

  const winter = run({ ...NL_SPRING, from: '2026-01-05', to: '2026-02-02', faults: [{ kind: 'no-dst' }] });
  assert.equal(winter.result.verdict, 'ok');
  assert.ok(winter.model.untestable.some((u) => u.fault === 'dst-not-applied'));
});

test('Economy 7 in London runs on GMT all year: correct ok, a meter that follows BST is "dst-applied"', () => {
  const base = { tariff: E7, zone: LON, from: '2026-03-16', to: '2026-04-13', program: E7_PROGRAM } as const;
  const ok = run(base);
  assert.equal(ok.result.verdict, 'ok');
  assert.equal(ok.model.n, 28 * 96 - 4, 'London springs forward on 29 March too');
  const bst = run({ ...base, faults: [{ kind: 'dst-applied' }] }).result;
  assert.equal(bst.cause, 'dst-applied');
  assert.equal(bst.confidence, 'high');
  const ahead = run({ ...base, faults: [{ kind: 'clock-offset', seconds: 1800 }] }).result;
  assert.equal(ahead.cause, 'clock-offset');
  // Autumn: the 25-hour day (100 quarter-hours) on 25 October.
  const autumn = { ...base, from: '2026-10-12', to: '2026-11-09' };
  assert.equal(run(autumn).result.verdict, 'ok');
  assert.equal(run({ ...autumn, faults: [{ kind: 'dst-applied' }] }).result.cause, 'dst-applied');
  assert.equal(run({ ...autumn, faults: [{ kind: 'registers-swapped', a: 1, b: 2 }] }).result.cause, 'registers-swapped');
});

test('seasonal tariff: a meter with one season table or shifted season dates is "wrong-season"; others still named', () => {
  // 20 March – 17 April: winter into summer on 1 April, summer time from 29 March, Easter Monday 6 April.
  const base = { tariff: SEASONAL, zone: AMS, from: '2026-03-20', to: '2026-04-17', program: SEASONAL_PROGRAM } as const;
  assert.equal(run(base).result.verdict, 'ok');
  const single = run({ ...base, faults: [{ kind: 'season-single', season: 'winter' }] }).result;
  assert.equal(single.cause, 'wrong-season');
  assert.deepEqual(single.faults, [{ kind: 'wrong-season', mode: 'single', season: 'winter' }]);
  // The summer-days evidence: 1 April on.
  assert.ok(single.evidence.windows.every((w) => w.from >= '2026-04-01'));
  const late = run({ ...base, faults: [{ kind: 'season-shift', days: 7 }] }).result;
  assert.equal(late.cause, 'wrong-season');
  assert.deepEqual(late.faults, [{ kind: 'wrong-season', mode: 'shifted', days: 7 }]);
  const early = run({ ...base, faults: [{ kind: 'season-shift', days: -5 }] }).result;
  assert.deepEqual(early.faults, [{ kind: 'wrong-season', mode: 'shifted', days: -5 }]);
  for (const [fault, cause] of [
    [{ kind: 'no-dst' }, 'dst-not-applied'], [{ kind: 'clock-offset', seconds: -1800 }, 'clock-offset'], [{ kind: 'registers-swapped', a: 1, b: 2 }, 'registers-swapped'],
  ] as const) {
    const r = run({ ...base, faults: [fault] }).result;
    assert.equal(r.cause, cause);
    assert.equal(r.confidence, 'high', cause);
  }
});

test('missing data is never flagged: windows over gaps are skipped, and all gaps make "insufficient-data"', () => {
  const gap = (from: number, to: number) => (v: Float64Array, q: Uint8Array) => {
    for (let i = from; i < to; i++) { v[i] = 0; q[i] = QUALITY.N; }
  };
  const allMissing = run({ ...NL_SPRING, store: (v, q, m) => gap(0, m.n)(v, q) }).result;
  assert.equal(allMissing.verdict, 'insufficient-data');
  assert.equal(allMissing.windows.skipped.missing, 28);
  assert.match(allMissing.note ?? '', /missing intervals/);
  // A gap in a few days: those windows are skipped, the rest still judge the meter.
  const someMissing = run({ ...NL_SPRING, store: gap(500, 800) });
  assert.equal(someMissing.result.verdict, 'ok');
  assert.equal(someMissing.result.windows.skipped.missing, 4, "quarter-hours 500–799 touch days 5 to 8");
  const faulty = run({ ...NL_SPRING, faults: [{ kind: 'clock-offset', seconds: 2700 }], store: gap(500, 800) }).result;
  assert.deepEqual(faulty.faults, [{ kind: 'clock-offset', minutes: 45 }]);
  // A meter whose interval data disagrees with its registers in total is a VEE case, not a TOU one.
  const scaled = run({ ...NL_SPRING, store: (v) => { for (let i = 0; i < v.length; i++) v[i] = v[i]! * 2; } }).result;
  assert.equal(scaled.verdict, 'insufficient-data');
  assert.match(scaled.note ?? '', /do not add up/);
});

test('estimated intervals widen the tolerance; with no register reads the verdict is insufficient data', () => {
  // VEE put a flat estimate over 40 quarter-hours of each of three days, keeping the day total (register-bounded).
  const flatten = (v: Float64Array, q: Uint8Array): void => {
    for (const start of [300, 1000, 1650]) {
      let sum = 0;
      for (let i = start; i < start + 40; i++) sum += v[i]!;
      for (let i = start; i < start + 40; i++) { v[i] = Math.floor(sum / 40) + (i - start < sum % 40 ? 1 : 0); q[i] = QUALITY.E; }
    }
  };
  const r = run({ ...NL_SPRING, store: flatten }).result;
  assert.equal(r.verdict, 'ok');
  assert.equal(r.windows.usable, 28);
  const model = modelFor(NL, AMS, NL_SPRING.from, NL_SPRING.to);
  const none = verifyMeter(model, { values: new Float64Array(model.n), quality: new Uint8Array(model.n), registers: [[], []] });
  assert.equal(none.verdict, 'insufficient-data');
  assert.match(none.note ?? '', /no reads of 1-0:1\.8\.1, 1-0:1\.8\.2/);
  assert.throws(() => verifyMeter(model, { values: new Float64Array(5), quality: new Uint8Array(5), registers: [[], []] }), (e: unknown) => e instanceof MeterstackError && e.code === 'TOU_VERIFY_INVALID');
});

test('register rounding (0.01 kWh) and reads a few seconds after midnight are tolerated; faults still found', () => {
  assert.equal(run({ ...NL_SPRING, resolutionWh: 10 }).result.verdict, 'ok');
  assert.equal(run({ ...NL_SPRING, readAtS: 7 }).result.verdict, 'ok');
  assert.equal(run({ ...NL_SPRING, readAtS: 7, resolutionWh: 10, faults: [{ kind: 'clock-offset', seconds: -900 }] }).result.cause, 'clock-offset');
});

test('the tariff\'s registers mapping: validated, and register order follows it', () => {
  const doc = JSON.parse(readFileSync(new URL('../../../examples/tariffs/nl-dubbel-2026.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const bad = (registers: unknown, re: RegExp): void => assert.throws(() => parseTariff({ ...doc, registers }), (e: unknown) => e instanceof MeterstackError && e.code === 'TARIFF_INVALID' && re.test(e.message));
  bad({ '1-0:1.8.1': 'dal' }, /no register counts period "normaal"/);
  bad({ '1-0:1.8.1': 'dal', '1-0:1.8.2': ['normaal', 'dal'] }, /counted by 1-0:1\.8\.1 already/);
  bad({ '1-0:1.8.0': 'dal', '1-0:1.8.2': 'normaal' }, /TOU import register/);
  bad({ '1-0:1.8.1': 'piek', '1-0:1.8.2': 'normaal' }, /not one of the tariff's periods/);
  bad(['dal'], /must be an object/);
  const t = parseTariff({ ...doc, registers: { '1-0:1.8.10': 'normaal', '1-0:1.8.2': 'dal' } });
  assert.deepEqual(t.registers?.map((r) => r.obis), ['1-0:1.8.2', '1-0:1.8.10']);
  // Without a mapping, register i counts the i-th period: for nl-dubbel that would be 1.8.1 = normaal.
  const { registers: _, ...plain } = doc;
  const m = buildTouModel([{ version: 1, tariff: parseTariff(plain) }], AMS, localDateStart('2026-03-16', AMS), localDateStart('2026-03-17', AMS));
  assert.equal(m.layouts[0]!.reg[8 * 4], 0, 'Monday 08:00 is normaal, register 1-0:1.8.1 by period order');
  assert.equal(modelFor(NL, AMS, NL_SPRING.from, NL_SPRING.to).layouts[0]!.reg[8 * 4], 1, 'and 1-0:1.8.2 by the DSMR mapping');
});

test('property: a correctly configured meter is never flagged, whatever the load, gaps, estimates and read times', () => {
  const from = '2026-03-23', to = '2026-04-06';
  const model = modelFor(NL, AMS, from, to);
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 8, maxLength: 8 }),
    fc.integer(),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3600 }),
    fc.array(fc.tuple(fc.nat(model.n - 1), fc.integer({ min: 1, max: 200 }), fc.constantFrom(QUALITY.N, QUALITY.E)), { maxLength: 4 }),
    (levels, seed, shape, readAtS, damage) => {
      // Piecewise load: a level per 3-hour block of the local day, noise of `seed`, some shapes spiky or zero.
      const load = (t: number): number => {
        const h = Math.floor((((t + zoneOffsetAt(t, AMS).offset * 60) % 86_400) + 86_400) % 86_400 / 3600);
        const x = (Math.imul((t / 900) ^ seed, 2654435761) >>> 0) % 1000;
        if (shape === 0) return levels[Math.floor(h / 3)]!;
        if (shape === 1) return x < 20 ? 4000 : 0;
        if (shape === 2) return 0;
        return Math.floor((levels[Math.floor(h / 3)]! * x) / 1000);
      };
      const { result } = run({
        tariff: NL, zone: AMS, from, to, program: NL_PROGRAM, load, readAtS,
        store: (v, q) => {
          for (const [start, len, flag] of damage) {
            for (let i = start; i < Math.min(v.length, start + len); i++) { q[i] = flag; if (flag === QUALITY.N) v[i] = 0; else v[i] = Math.floor(v[i]! / 2); }
          }
        },
      });
      assert.notEqual(result.verdict, 'misconfigured', JSON.stringify(result));
    },
  ), { numRuns: 150 });
});
