import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { obis } from '../../model/obis.ts';
import { assertSeries } from '../../model/reading.ts';
import { QUALITY } from '../../model/quality.ts';
import { encodeData } from './axdr/encode.ts';
import { utcToCosemDateTime, CLOCK_STATUS } from './axdr/datetime.ts';
import { d, type DlmsData } from './axdr/types.ts';
import { hasCode } from '../../model/errors.ts';
import type { CaptureObject } from './cosem/profile-generic.ts';
import { loadProfileToSeries, pushToReadings, registerToReading, type LoadProfileInput } from './to-canonical.ts';
import { parsePushBody } from './cosem/push.ts';

const cap = (classId: number, ln: string, attributeIndex = 2): CaptureObject => ({ classId, logicalName: obis(ln), attributeIndex, dataIndex: 0 });
const CLOCK = cap(8, '0-0:1.0.0.255');
const CAPS = [CLOCK, cap(3, '1-0:1.8.0'), cap(3, '1-0:2.8.0'), cap(3, '1-0:3.8.0'), cap(3, '1-0:4.8.0')];
const SU = {
  '1-0:1.8.0': { scaler: 0, unit: 30 }, // Wh
  '1-0:2.8.0': { scaler: 1, unit: 30 }, // ×10 Wh
  '1-0:3.8.0': { scaler: -1, unit: 32 }, // 0.1 varh → rounded
  '1-0:4.8.0': { scaler: 3, unit: 32 }, // kvarh
};
const DAY = 1_700_006_400; // 2023-11-15T00:00:00Z, a multiple of 900

interface Row { t: number; vals: (number | null)[]; status?: number }

function buffer(rows: readonly Row[], deviation = -60): Uint8Array {
  return encodeData(d.array(...rows.map((r) => d.structure(
    d.octets(encodeData(d.dateTime(utcToCosemDateTime(r.t, { deviationMinutes: deviation, clockStatus: r.status ?? 0 }))).subarray(1)),
    ...r.vals.map((v) => (v === null ? d.null() : d.u32(v))),
  ))));
}

function regs(n: number): Row[] {
  const rows: Row[] = [];
  let a = 1_000_000, b = 5_000, c = 77_777, e = 10;
  for (let i = 0; i < n; i++) {
    a += (i * 37) % 400; b += i % 3; c += (i * 13) % 29; e += i % 2;
    rows.push({ t: DAY + (i + 1) * 900, vals: [a, b, c, e] });
  }
  return rows;
}

const input = (rows: readonly Row[], extra: Partial<LoadProfileInput> = {}): LoadProfileInput => ({
  meterId: 'M1', captureObjects: CAPS, capturePeriod: 900, scalerUnits: SU, buffer: buffer(rows), ...extra,
});

test('96-row 15-minute profile → four series of exact deltas in Wh / varh, UTC start', () => {
  const rows = regs(96);
  const res = loadProfileToSeries(input(rows));
  assert.equal(res.series.length, 4);
  const [imp, exp, rin, rout] = res.series as [typeof res.series[0], typeof res.series[0], typeof res.series[0], typeof res.series[0]];
  for (const s of res.series) {
    assertSeries(s);
    assert.equal(s.start, DAY + 900, 'the first row only anchors: the series starts at its time');
    assert.equal(s.values.length, 95);
    assert.ok(s.quality.every((q) => q === QUALITY.A));
  }
  assert.equal(imp.channel, obis('1-0:1.8.0'));
  for (let i = 1; i < 96; i++) {
    const [a0, b0, c0, e0] = rows[i - 1]!.vals as number[];
    const [a1, b1, c1, e1] = rows[i]!.vals as number[];
    assert.equal(imp.values[i - 1], a1! - a0!);
    assert.equal(exp.values[i - 1], (b1! - b0!) * 10);
    assert.equal(rin.values[i - 1], Math.round(c1! / 10) - Math.round(c0! / 10));
    assert.equal(rout.values[i - 1], (e1! - e0!) * 1000);
  }
  assert.ok(res.issues.some((x) => x.kind === 'rounded' && x.channel === obis('1-0:3.8.0')));
  assert.deepEqual(res.registers.map((r) => [r.channel, r.at, r.value]), [
    [obis('1-0:1.8.0'), DAY + 96 * 900, rows[95]!.vals[0]],
    [obis('1-0:2.8.0'), DAY + 96 * 900, rows[95]!.vals[1]! * 10],
    [obis('1-0:3.8.0'), DAY + 96 * 900, Math.round(rows[95]!.vals[2]! / 10)],
    [obis('1-0:4.8.0'), DAY + 96 * 900, rows[95]!.vals[3]! * 1000],
  ]);
});

test('previous reading anchors the first row; its day then has 96 intervals', () => {
  const rows = regs(96);
  const previous = [{ meterId: 'M1', channel: obis('1-0:1.8.0'), at: DAY, value: 999_000 }];
  const imp = loadProfileToSeries(input(rows, { previous })).series[0]!;
  assert.equal(imp.start, DAY);
  assert.equal(imp.values.length, 96);
  assert.equal(imp.values[0], rows[0]!.vals[0]! - 999_000);
});

test('the deviation is applied: a UTC+1 meter and a UTC meter give the same UTC series', () => {
  const rows = regs(8);
  const a = loadProfileToSeries(input(rows)).series[0]!;
  const b = loadProfileToSeries(input(rows, { buffer: buffer(rows, 0) })).series[0]!;
  assert.equal(a.start, b.start);
  assert.deepEqual(a.values, b.values);
});

test('missing rows → explicit N intervals and a gap issue carrying the delta', () => {
  const rows = regs(10);
  const kept = rows.filter((_, i) => i !== 4 && i !== 5);
  const res = loadProfileToSeries(input(kept));
  const s = res.series[0]!;
  assertSeries(s);
  assert.equal(s.values.length, 9);
  assert.deepEqual([...s.quality], [0, 0, 0, 4, 4, 4, 0, 0, 0].map((q) => q));
  assert.deepEqual([...s.values.subarray(3, 6)], [0, 0, 0]);
  const gap = res.issues.find((x) => x.kind === 'gap' && x.channel === obis('1-0:1.8.0'))!;
  assert.equal(gap.delta, rows[6]!.vals[0]! - rows[3]!.vals[0]!);
});

test('clock status invalid → row rejected (N); doubtful → quality V; off-grid and duplicate rows rejected', () => {
  const rows = regs(8);
  rows[3] = { ...rows[3]!, status: CLOCK_STATUS.invalid };
  rows[6] = { ...rows[6]!, status: CLOCK_STATUS.doubtful };
  const offGrid: Row = { t: rows[1]!.t + 7, vals: rows[1]!.vals };
  const dup: Row = { t: rows[2]!.t, vals: [1, 1, 1, 1] };
  const res = loadProfileToSeries(input([...rows.slice(0, 2), offGrid, rows[2]!, dup, ...rows.slice(3)]));
  const s = res.series[0]!;
  assert.deepEqual([...s.quality], [QUALITY.A, QUALITY.A, QUALITY.N, QUALITY.N, QUALITY.A, QUALITY.V, QUALITY.V]);
  const kinds = res.issues.map((x) => x.kind);
  for (const k of ['clock-invalid', 'clock-doubtful', 'off-grid', 'duplicate', 'gap'] as const) assert.ok(kinds.includes(k), k);
});

test('AMR profile status column: data-not-valid rejects, power-down makes V; LIFO buffers are sorted', () => {
  const caps = [CLOCK, cap(1, '0-0:96.10.1.255'), cap(3, '1-0:1.8.0')];
  const mk = (i: number, st: number): DlmsData => d.structure(d.dateTime(utcToCosemDateTime(DAY + i * 900)), d.u8(st), d.u32(100 * i));
  const buf = encodeData(d.array(mk(5, 0), mk(4, 0x80), mk(3, 0x04), mk(2, 0), mk(1, 0)));
  const res = loadProfileToSeries({ meterId: 'M', captureObjects: caps, capturePeriod: 900, scalerUnits: { '1-0:1.8.0.255': d.structure(d.i8(0), d.enum(30)) }, buffer: buf });
  const s = res.series[0]!;
  assert.equal(s.start, DAY + 900);
  assert.deepEqual([...s.quality], [QUALITY.A, QUALITY.N, QUALITY.N, QUALITY.V]);
  assert.deepEqual([...s.values], [100, 0, 0, 100]);
});

test('sampled columns (average voltage) give values per interval; unknown columns are reported', () => {
  const caps = [CLOCK, cap(3, '1-0:32.7.0'), cap(3, '1-0:99.99.9')];
  const rows = [1, 2, 3].map((i) => d.structure(d.dateTime(utcToCosemDateTime(DAY + i * 900)), d.u16(2300 + i), d.u16(1)));
  const res = loadProfileToSeries({ meterId: 'M', captureObjects: caps, capturePeriod: 900, scalerUnits: { '1-0:32.7.0': { scaler: -1, unit: 35 } }, buffer: encodeData(d.array(...rows)) });
  assert.equal(res.series.length, 1);
  assert.equal(res.series[0]!.start, DAY);
  assert.deepEqual([...res.series[0]!.values], [230_100, 230_200, 230_300]);
  assert.ok(res.issues.some((x) => x.kind === 'unmapped-column'));
});

test('bad inputs: capture period 0, no clock, missing scaler_unit, wrong unit', () => {
  const rows = regs(3);
  const code = (f: () => unknown, c: string): void => assert.throws(f, (e) => hasCode(e, c as never));
  code(() => loadProfileToSeries(input(rows, { capturePeriod: 0 })), 'DLMS_COSEM_BAD_OBJECT');
  code(() => loadProfileToSeries(input(rows, { captureObjects: CAPS.slice(1) })), 'DLMS_COSEM_BAD_OBJECT');
  code(() => loadProfileToSeries(input(rows, { scalerUnits: { '1-0:1.8.0': SU['1-0:1.8.0'] } })), 'DLMS_COSEM_BAD_OBJECT');
  code(() => loadProfileToSeries(input(rows, { scalerUnits: { ...SU, '1-0:1.8.0': { scaler: 0, unit: 35 } } })), 'DLMS_UNIT_UNSUPPORTED');
});

test('property: deltas of any register sequence sum to last − first', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 120 }),
    fc.integer({ min: -3, max: 3 }),
    (first, steps, scaler) => {
      const vals = [first];
      for (const s of steps) vals.push(vals[vals.length - 1]! + s);
      const rows = vals.map((v, i) => d.structure(d.dateTime(utcToCosemDateTime(DAY + (i + 1) * 900)), d.u32(v)));
      const res = loadProfileToSeries({
        meterId: 'P', captureObjects: [CLOCK, cap(3, '1-0:1.8.0')], capturePeriod: 900,
        scalerUnits: { '1-0:1.8.0': { scaler, unit: 30 } }, buffer: encodeData(d.array(...rows)),
      });
      const s = res.series[0]!;
      const conv = (v: number): number => (scaler >= 0 ? v * 10 ** scaler : Math.round(v / 10 ** -scaler));
      const sum = s.values.reduce((x, y) => x + y, 0);
      assert.equal(sum, conv(vals[vals.length - 1]!) - conv(vals[0]!));
      assert.equal(s.values.length, steps.length);
    },
  ), { numRuns: 200 });
});

test('register value + scaler_unit → RegisterReading in stored units', () => {
  const r = registerToReading('M', '1-0:1.8.0', d.u32(1234567), d.structure(d.i8(-1), d.enum(30)), 1000)!;
  assert.deepEqual(r.reading, { meterId: 'M', channel: obis('1-0:1.8.0'), at: 1000, value: 123457, quality: 'A' });
  assert.equal(r.rounded, true);
  assert.equal(registerToReading('M', '1-0:32.7.0', d.u16(2307), { scaler: -1, unit: 35 }, 0)!.reading.value, 230_700);
  assert.equal(registerToReading('M', '1-0:1.8.0', d.u64(5n), { scaler: 3, unit: 30 }, 0)!.reading.value, 5000);
  assert.equal(registerToReading('M', '1-0:13.7.0', d.i16(-987), { scaler: -3, unit: 255 }, 0)!.reading.value, -987);
  assert.equal(registerToReading('M', '0-0:96.1.0', d.u32(1), { scaler: 0, unit: 255 }, 0), undefined);
  assert.throws(() => registerToReading('M', '1-0:1.8.0', d.visible('x'), { scaler: 0, unit: 30 }, 0), (e) => hasCode(e, 'DLMS_COSEM_BAD_OBJECT'));
});

test('push objects → readings; no scaler_unit → unmapped unless the device profile gives one', () => {
  const body = d.structure(d.visible('Kamstrup_V0001'), d.octets('0101010800ff'), d.u32(42), d.octets('0100010800ff'), d.u32(7));
  const objs = parsePushBody(body).objects;
  const plain = pushToReadings('M', objs, 0);
  assert.equal(plain.registers.length, 0);
  assert.equal(plain.unmapped.length, 2);
  const withSu = pushToReadings('M', objs, 0, new Map([[obis('1-0:1.8.0'), { scaler: 1, unit: 30 }]]));
  assert.deepEqual(withSu.registers.map((r) => [r.channel, r.value]), [[obis('1-0:1.8.0'), 70]]);
});

test('results own their arrays: a later conversion (other sizes, nulls, a failure) leaves an earlier result unchanged', () => {
  const rows = regs(96);
  const first = loadProfileToSeries(input(rows));
  const snapshot = first.series.map((s) => ({ values: [...s.values], quality: [...s.quality] }));
  const registers = first.registers.map((r) => r.value);
  const small = regs(5).map((r, i) => (i === 2 ? { ...r, vals: [null, r.vals[1]!, null, r.vals[3]!] } : r));
  const second = loadProfileToSeries(input(small));
  assert.ok(second.issues.some((i) => i.kind === 'null-value'));
  assert.throws(() => loadProfileToSeries(input(regs(3), { scalerUnits: { '1-0:1.8.0': { scaler: 0, unit: 30 } } })));
  assert.throws(() => loadProfileToSeries(input([{ t: DAY + 900, vals: [1, 2, 3, 4] }], { scalerUnits: { ...SU, '1-0:1.8.0': { scaler: 50, unit: 30 } } })));
  loadProfileToSeries(input(regs(300)));
  assert.deepEqual(first.series.map((s) => ({ values: [...s.values], quality: [...s.quality] })), snapshot);
  assert.deepEqual(first.registers.map((r) => r.value), registers);
  // the same input again gives the same result
  assert.deepEqual(loadProfileToSeries(input(rows)).series.map((s) => [...s.values]), snapshot.map((s) => s.values));
});

test('integer scaling: ×10^k exact, zero is +0, beyond MAX_VALUE throws a typed error', () => {
  const rows: Row[] = [{ t: DAY + 900, vals: [0, 0, 0, 0] }, { t: DAY + 1800, vals: [5, 7, 0, 2] }];
  const res = loadProfileToSeries(input(rows, { previous: [{ meterId: 'M1', channel: obis('1-0:2.8.0'), at: DAY, value: 0, quality: 'A' }] }));
  const exp = res.series.find((s) => s.channel === obis('1-0:2.8.0'))!;
  assert.deepEqual([...exp.values], [0, 70]);
  assert.ok(Object.is(exp.values[0], 0));
  assert.equal(res.registers.find((r) => r.channel === obis('1-0:4.8.0'))!.value, 2000);
  assert.ok(Object.is(res.registers.find((r) => r.channel === obis('1-0:3.8.0'))!.value, 0));
  assert.throws(
    () => loadProfileToSeries(input(rows, { scalerUnits: { ...SU, '1-0:1.8.0': { scaler: 40, unit: 30 } } })),
    (e) => hasCode(e, 'DLMS_BAD_VALUE') && /beyond/.test((e as Error).message),
  );
});
