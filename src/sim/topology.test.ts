import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OBIS_EXPORT, OBIS_IMPORT } from './channels.ts';
import { createFleet } from './fleet.ts';
import { FleetSimulator } from './simulator.ts';
import { chooseRating } from './topology.ts';

test('ratings: the smallest standard size that carries the design load at 80 %', () => {
  assert.equal(chooseRating(50_000), 100);
  assert.equal(chooseRating(100_000), 160);
  assert.equal(chooseRating(300_000), 400);
  assert.equal(chooseRating(2_000_000), 630);
});

const fleet = createFleet({ seed: 77, meters: 800 });
const index = new Map(fleet.meters.map((m, i) => [m.id, i]));

/** Net active power per transformer per interval over `days` days, W (positive = import). */
function transformerPower(firstDay: number, days: number): Float64Array[] {
  const out = fleet.grid.transformers.map(() => new Float64Array(days * 96));
  const sim = new FleetSimulator(fleet);
  let d = 0;
  for (const day of sim.days(firstDay, days)) {
    for (const s of day.series) {
      if (s.channel !== OBIS_IMPORT && s.channel !== OBIS_EXPORT) continue;
      const tx = fleet.profiles[index.get(s.meterId)!]!.transformerIndex;
      const sign = s.channel === OBIS_IMPORT ? 4 : -4;
      for (let i = 0; i < 96; i++) out[tx]![d * 96 + i]! += sign * s.values[i]!;
    }
    d++;
  }
  return out;
}

test('transformer peaks are plausible against their ratings: winter load and summer back-feed', (t) => {
  const winter = transformerPower(Date.UTC(2026, 0, 5) / 1000, 21);
  const summer = transformerPower(Date.UTC(2026, 5, 10) / 1000, 14);
  fleet.grid.transformers.forEach((tx, k) => {
    const kva = (w: number): number => w / 0.95 / 1000;
    const peak = kva(Math.max(...winter[k]!));
    const back = kva(-Math.min(...summer[k]!));
    t.diagnostic(`${tx.id} ${tx.ratingKva} kVA, ${tx.meterIndices.length} meters: winter peak ${peak.toFixed(0)} kVA (${((peak / tx.ratingKva) * 100).toFixed(0)} %), summer back-feed ${back.toFixed(0)} kVA`);
    assert.ok(peak <= tx.ratingKva, `${tx.id} overloaded`);
    assert.ok(peak >= 0.3 * tx.ratingKva, `${tx.id} oversized: ${peak.toFixed(0)} of ${tx.ratingKva} kVA`);
    assert.ok(back <= tx.ratingKva);
  });
});
