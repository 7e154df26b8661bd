import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S, type IntervalSeries } from '../../model/index.ts';
import { OBIS_EXPORT, OBIS_IMPORT } from '../channels.ts';
import { createSite, fillDayContext, newDayContext } from '../day-context.ts';
import { createFleet } from '../fleet.ts';
import { FleetSimulator } from '../simulator.ts';
import { sunElevationDeg } from '../sun.ts';
import { addPvGeneration } from './pv.ts';

const fleet = createFleet({ seed: 8, meters: 200 });
const pvMeters = new Set(fleet.profiles.filter((p) => p.pv).map((p) => p.meterId));

function week(firstDay: number): IntervalSeries[] {
  const sim = new FleetSimulator(fleet);
  return [...sim.days(firstDay, 7)].flatMap((o) => o.series);
}
const june = week(Date.UTC(2026, 5, 15) / 1000);
const december = week(Date.UTC(2026, 11, 10) / 1000);
const total = (series: IntervalSeries[], channel: string): number =>
  series.filter((s) => s.channel === channel).reduce((a, s) => a + s.values.reduce((x, v) => x + v, 0), 0);

test('only PV meters have an export channel, and every one of them exports in June', () => {
  const exporters = new Set(june.filter((s) => s.channel === OBIS_EXPORT).map((s) => s.meterId));
  assert.deepEqual(exporters, pvMeters);
  const exported = new Map<string, number>();
  for (const s of june.filter((x) => x.channel === OBIS_EXPORT)) exported.set(s.meterId, (exported.get(s.meterId) ?? 0) + s.values.reduce((a, v) => a + v, 0));
  for (const id of pvMeters) assert.ok(exported.get(id)! > 0, `${id} exported nothing in a June week`);
  assert.ok(pvMeters.size > 30);
});

test('export happens only in daylight', () => {
  for (const s of [...june, ...december].filter((x) => x.channel === OBIS_EXPORT)) {
    s.values.forEach((v, i) => {
      if (v === 0) return;
      const mid = s.start + i * 900 + 450;
      assert.ok(sunElevationDeg(fleet.center.lat, fleet.center.lon, mid) > 0, `${s.meterId} exports ${v} Wh at ${new Date(mid * 1000).toISOString()}`);
    });
  }
});

test('net metering per interval: a meter imports or exports, never both', () => {
  const imports = new Map(june.filter((s) => s.channel === OBIS_IMPORT).map((s) => [`${s.meterId}@${s.start}`, s]));
  for (const e of june.filter((s) => s.channel === OBIS_EXPORT)) {
    const im = imports.get(`${e.meterId}@${e.start}`)!;
    e.values.forEach((v, i) => assert.ok(v === 0 || im.values[i] === 0));
  }
  // Midday in June most PV homes run their meter backwards.
  const noon = june.filter((s) => s.channel === OBIS_EXPORT).filter((s) => s.values.slice(40, 52).some((v) => v > 0));
  assert.ok(noon.length > 0.8 * june.filter((s) => s.channel === OBIS_EXPORT).length);
});

test('June exports several times what December does', () => {
  const j = total(june, OBIS_EXPORT);
  const d = total(december, OBIS_EXPORT);
  assert.ok(j > 4 * d, `June ${j} Wh vs December ${d} Wh`);
});

test('a south-facing 1 kWp system yields 850–1,150 kWh a year at 52° N', () => {
  const site = createSite(8, 'Europe/Amsterdam', 52.09, 5.12);
  const ctx = newDayContext();
  const out = new Float64Array(96);
  let wh = 0;
  let peak = 0;
  for (let d = 0; d < 365; d++) {
    fillDayContext(ctx, site, Date.UTC(2025, 0, 1) / 1000 / DAY_S + d);
    out.fill(0);
    addPvGeneration(ctx, { kWp: 1, tiltDeg: 35, azimuthDeg: 180, inverterW: 950, performance: 0.85 }, out, 0);
    for (const v of out) { wh += v; peak = Math.max(peak, v * 4); }
  }
  assert.ok(wh > 850_000 && wh < 1_150_000, `${(wh / 1000).toFixed(0)} kWh/kWp`);
  assert.ok(peak <= 950 && peak > 700, `peak ${peak} W is clipped at the inverter`);
});
