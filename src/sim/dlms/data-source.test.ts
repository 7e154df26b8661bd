import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DAY_S } from '../../model/index.ts';
import { OBIS_EXPORT, OBIS_IMPORT } from '../channels.ts';
import { createFleet } from '../fleet.ts';
import { FleetSimulator } from '../simulator.ts';
import { FleetDataSource } from './data-source.ts';

const DAY0 = Date.UTC(2026, 5, 10) / 1000;
const fleet = createFleet({ seed: 'dlms-source', meters: 30 });

test('registers agree with the FleetSimulator\'s live mode from a mid-day start, at every interval end', () => {
  const start = DAY0 + 37 * 900;
  const source = new FleetDataSource(fleet, { start });
  const sim = new FleetSimulator(fleet, { start });
  for (let from = start; from < start + 2 * DAY_S; from += 5 * 3600) {
    const out = sim.intervalsBetween(from, from + 5 * 3600);
    for (const r of out.registers) {
      const m = source.meterIndex(r.meterId);
      const mine = source.registersAt(m, r.at);
      assert.equal(r.channel === OBIS_IMPORT ? mine.imp : mine.exp, r.value, `${r.meterId} ${r.channel} at ${r.at}`);
    }
    for (const s of out.series.filter((x) => x.channel === OBIS_IMPORT || x.channel === OBIS_EXPORT)) {
      const m = source.meterIndex(s.meterId);
      s.values.forEach((v, j) => {
        const iv = source.interval(m, s.start + (j + 1) * 900);
        assert.equal(s.channel === OBIS_IMPORT ? iv.imp : iv.exp, v);
      });
    }
  }
});

test('property: a register step is the interval value, before and after commissioning', () => {
  const source = new FleetDataSource(fleet, { start: DAY0 });
  fc.assert(fc.property(
    fc.integer({ min: 0, max: fleet.profiles.length - 1 }),
    fc.integer({ min: -3 * 96, max: 5 * 96 }),
    (m, q) => {
      const t = DAY0 + q * 900;
      const a = source.registersAt(m, t);
      const b = source.registersAt(m, t + 900);
      const iv = source.interval(m, t + 900);
      return b.imp - a.imp === iv.imp && b.exp - a.exp === iv.exp;
    },
  ), { numRuns: 200 });
  const p = fleet.profiles[0]!;
  assert.deepEqual(source.registersAt(0, DAY0), { imp: p.initialImportWh, exp: p.initialExportWh });
  assert.throws(() => source.registersAt(0, DAY0 + 1), RangeError);
  assert.throws(() => source.meterIndex('nobody'), RangeError);
  assert.throws(() => new FleetDataSource(fleet, { start: DAY0 + 5 }), RangeError);
});
