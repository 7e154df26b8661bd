import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSeries, DAY_S, type IntervalSeries, type RegisterReading } from '../model/index.ts';
import { createFleet } from './fleet.ts';
import { FleetSimulator, type SimOutput } from './simulator.ts';
import { OBIS_EXPORT, OBIS_IMPORT } from './channels.ts';

const DAY0 = Date.UTC(2026, 2, 27) / 1000; // spans the spring DST change of 2026-03-29
const fleet = createFleet({ seed: 11, meters: 120 });

function bytes(series: readonly IntervalSeries[]): Buffer {
  return Buffer.concat(series.flatMap((s) => [Buffer.from(`${s.meterId}|${s.channel}|${s.start}|`), Buffer.from(s.values.buffer, s.values.byteOffset, s.values.byteLength), Buffer.from(s.quality)]));
}

function key(meterId: string, channel: string): string {
  return `${meterId}|${channel}`;
}

test('the same seed gives byte-identical series, events and registers; another seed does not', () => {
  const run = (f = fleet): SimOutput[] => [...new FleetSimulator(f).days(DAY0, 3)];
  const a = run();
  const b = run(createFleet({ seed: 11, meters: 120 }));
  const c = run(createFleet({ seed: 12, meters: 120 }));
  for (let d = 0; d < 3; d++) {
    assert.ok(bytes(a[d]!.series).equals(bytes(b[d]!.series)), `day ${d} differs for the same seed`);
    assert.deepEqual(a[d]!.events, b[d]!.events);
    assert.deepEqual(a[d]!.registers, b[d]!.registers);
    assert.ok(!bytes(a[d]!.series).equals(bytes(c[d]!.series)), `day ${d} is the same for another seed`);
  }
});

test('a day is the same whether its predecessors were generated or skipped over', () => {
  const walked = new FleetSimulator(fleet);
  const outs = [...walked.days(DAY0, 4)];
  const jumped = new FleetSimulator(fleet, { start: DAY0 });
  const day3 = jumped.generateDay(DAY0 + 3 * DAY_S);
  assert.ok(bytes(day3.series).equals(bytes(outs[3]!.series)));
  assert.deepEqual(day3.events, outs[3]!.events);
  const end = (o: SimOutput): RegisterReading[] => o.registers.filter((r) => r.at === DAY0 + 4 * DAY_S);
  assert.deepEqual(end(day3), end(outs[3]!));
});

test('every series is valid, on the 15-minute grid, one per meter and channel, 96 integer intervals', () => {
  const out = new FleetSimulator(fleet).generateDay(DAY0 + 2 * DAY_S); // the 23-hour local day is still 96 UTC intervals
  assert.equal(out.series.length, fleet.channels.length);
  const channels = new Set(fleet.channels.map((c) => key(c.meterId, c.obis)));
  for (const s of out.series) {
    assertSeries(s);
    assert.equal(s.values.length, 96);
    assert.equal(s.start, DAY0 + 2 * DAY_S);
    assert.ok(channels.delete(key(s.meterId, s.channel)), `unexpected or duplicate series ${s.meterId} ${s.channel}`);
  }
  assert.equal(channels.size, 0);
});

test('registers equal the initial value plus every interval generated so far, exactly', () => {
  const sim = new FleetSimulator(fleet);
  const totals = new Map<string, number>();
  for (const p of fleet.profiles) {
    totals.set(key(p.meterId, OBIS_IMPORT), p.initialImportWh);
    if (p.pv) totals.set(key(p.meterId, OBIS_EXPORT), p.initialExportWh);
  }
  let sawStart = false;
  for (const out of sim.days(DAY0, 5)) {
    for (const s of out.series) {
      const k = key(s.meterId, s.channel);
      if (totals.has(k)) totals.set(k, totals.get(k)! + s.values.reduce((a, v) => a + v, 0));
    }
    for (const r of out.registers) {
      if (r.at === DAY0) { sawStart = true; continue; }
      assert.equal(r.value, totals.get(key(r.meterId, r.channel)), `${r.meterId} ${r.channel} at ${r.at}`);
    }
  }
  assert.ok(sawStart, 'the first output carries the registers at the start');
  assert.deepEqual(new Set(sim.currentRegisters().map((r) => r.value)), new Set(totals.values()));
});

test('live windows give the same values, events and registers as generateDay, across midnight into the DST day and odd window sizes', () => {
  const D = DAY0 + DAY_S;
  const whole = new FleetSimulator(fleet, { start: D });
  const days = [whole.generateDay(D), whole.generateDay(D + DAY_S)];
  const live = new FleetSimulator(fleet, { start: D });
  const got = new Map<string, number[]>();
  const events: SimOutput['events'] = [];
  const registers: RegisterReading[] = [];
  // Windows of 15 min, 7 min, 40 min and 2 h, not aligned to the grid, crossing midnight.
  const steps = [900, 420, 2400, 7200];
  let from = D;
  for (let k = 0; from < D + 2 * DAY_S; k++) {
    const to = Math.min(from + steps[k % steps.length]!, D + 2 * DAY_S);
    const out = live.intervalsBetween(from, to);
    for (const s of out.series) {
      assert.equal(s.start % 900, 0);
      const arr = got.get(key(s.meterId, s.channel)) ?? [];
      arr.push(...s.values);
      got.set(key(s.meterId, s.channel), arr);
    }
    events.push(...out.events);
    registers.push(...out.registers);
    from = to;
  }
  for (const s of [...days[0]!.series, ...days[1]!.series].filter((x) => x.start === D)) {
    const second = days[1]!.series.find((x) => x.meterId === s.meterId && x.channel === s.channel)!;
    assert.deepEqual(got.get(key(s.meterId, s.channel)), [...s.values, ...second.values], `${s.meterId} ${s.channel}`);
  }
  assert.deepEqual(events, [...days[0]!.events, ...days[1]!.events]);
  // A live meter reports its registers at every interval end; at each day's end they match generateDay.
  assert.equal(registers.filter((r) => r.channel === OBIS_IMPORT).length, fleet.meters.length * (1 + 192));
  for (const day of days) {
    for (const r of day.registers) {
      const l = registers.find((x) => x.meterId === r.meterId && x.channel === r.channel && x.at === r.at);
      assert.deepEqual(l, r);
    }
  }
});

test('the register state only moves forward', () => {
  const sim = new FleetSimulator(fleet);
  sim.generateDay(DAY0 + DAY_S);
  assert.throws(() => sim.generateDay(DAY0), RangeError);
  assert.throws(() => sim.generateDay(DAY0 + DAY_S), RangeError);
  assert.throws(() => sim.intervalsBetween(DAY0 + DAY_S, DAY0 + DAY_S + 3600), RangeError);
  assert.throws(() => sim.generateDay(DAY0 + 3600), RangeError);
  assert.throws(() => new FleetSimulator(fleet, { start: DAY0 + 1 }), RangeError);
  // A gap is skipped with the registers still counting.
  const out = sim.intervalsBetween(DAY0 + 3 * DAY_S, DAY0 + 3 * DAY_S + 900);
  assert.equal(out.series[0]!.values.length, 1);
  assert.equal(sim.cursor, DAY0 + 3 * DAY_S + 900);
});

test('generation speed (reported, not asserted): 1,000 meters × 30 days', (t) => {
  const big = createFleet({ seed: 1, meters: 1000 });
  const sim = new FleetSimulator(big);
  const t0 = performance.now();
  let values = 0;
  for (const out of sim.days(Date.UTC(2026, 0, 1) / 1000, 30)) for (const s of out.series) values += s.values.length;
  const s = (performance.now() - t0) / 1000;
  t.diagnostic(`${values.toLocaleString('en')} interval values in ${s.toFixed(2)} s = ${(values / s / 1e6).toFixed(1)} M values/s`);
  assert.ok(values > 1000 * 30 * 96 * 2);
});
