import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S, type MeterEvent } from '../model/index.ts';
import { OBIS_EXPORT, OBIS_IMPORT } from './channels.ts';
import { outagesTouchingDay, OUTAGES_PER_YEAR, POWER_DOWN, POWER_UP, type Outage } from './events.ts';
import { createFleet } from './fleet.ts';
import { FleetSimulator } from './simulator.ts';

const fleet = createFleet({ seed: 33, meters: 400 });
const txCount = fleet.grid.transformers.length;
const FIRST_DAY = Date.UTC(2026, 0, 1) / 1000 / DAY_S;

test('a few outages per transformer per year, each minutes to an hour, never on the interval grid', () => {
  const years = 10;
  let count = 0;
  for (let d = FIRST_DAY; d < FIRST_DAY + years * 365; d++) {
    for (const o of outagesTouchingDay(fleet.seed, txCount, d)) {
      if (o.start < d * DAY_S) continue; // carried over; counted on its own day
      count++;
      assert.ok(o.end - o.start >= 180 && o.end - o.start <= 3602, `${o.end - o.start} s`);
      assert.notEqual(o.start % 900, 0);
      assert.notEqual(o.end % 900, 0);
    }
  }
  const rate = count / (years * txCount);
  assert.ok(rate > OUTAGES_PER_YEAR * 0.6 && rate < OUTAGES_PER_YEAR * 1.4, `${rate.toFixed(2)} outages per transformer-year`);
});

/** The first outage from FIRST_DAY on that blacks out at least two whole intervals. */
function findOutage(): Outage {
  for (let d = FIRST_DAY; ; d++) {
    const o = outagesTouchingDay(fleet.seed, txCount, d).find((x) => x.start >= d * DAY_S && Math.floor(x.end / 900) - Math.ceil(x.start / 900) >= 2);
    if (o) return o;
  }
}

const outage = findOutage();
const day = Math.floor(outage.start / DAY_S) * DAY_S;
const sim = new FleetSimulator(fleet, { start: day });
const days = [sim.generateDay(day), sim.generateDay(day + DAY_S)];
const affected = new Set(fleet.grid.transformers[outage.transformerIndex]!.meterIndices.map((m) => fleet.meters[m]!.id));

test('every meter behind the transformer logs power down at the start and power up at the end', () => {
  const events = days.flatMap((d) => d.events).filter((e) => e.details?.outageId === `${fleet.grid.transformers[outage.transformerIndex]!.id}@${outage.start}`);
  const downs = events.filter((e) => e.code === POWER_DOWN.code);
  const ups = events.filter((e) => e.code === POWER_UP.code);
  assert.deepEqual(new Set(downs.map((e) => e.meterId)), affected);
  assert.deepEqual(new Set(ups.map((e) => e.meterId)), affected);
  assert.equal(downs.length, affected.size);
  for (const e of downs) assert.deepEqual([e.at, e.cimType], [outage.start, '3.26.0.185']);
  for (const e of ups) {
    assert.deepEqual([e.at, e.cimType], [outage.end, '3.26.0.216']);
    assert.equal(e.details!.durationS, outage.end - outage.start);
  }
  for (const e of days.flatMap((d) => d.events)) {
    assert.ok(e.at >= day && e.at < day + 2 * DAY_S);
    if (!affected.has(e.meterId)) assert.notEqual(e.details?.transformerId, fleet.grid.transformers[outage.transformerIndex]!.id);
  }
});

test('intervals inside the outage carry zero energy and zero volts; power is back outside it', () => {
  let inside = 0;
  for (const s of days.flatMap((d) => d.series)) {
    s.values.forEach((v, i) => {
      const a = s.start + i * 900;
      const dark = a >= outage.start && a + 900 <= outage.end;
      if (affected.has(s.meterId) && dark) {
        assert.equal(v, 0, `${s.meterId} ${s.channel} at ${a}`);
        inside++;
      } else if (s.channel !== OBIS_IMPORT && s.channel !== OBIS_EXPORT) {
        // A meter averages voltage over the part of the interval it had supply.
        assert.ok(v > 200_000, `${s.meterId} ${s.channel} has ${v} mV at ${a}`);
      }
    });
  }
  assert.ok(inside >= affected.size * 2 * 2);
});

test('live mode reports the same outage events as generateDay', () => {
  const live = new FleetSimulator(fleet, { start: day });
  const events: MeterEvent[] = [];
  for (let t = day; t < day + 2 * DAY_S; t += 900) events.push(...live.intervalsBetween(t, t + 900).events);
  assert.deepEqual(events, days.flatMap((d) => d.events));
});
