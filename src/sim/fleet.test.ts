import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode, obis, obisDefinition, readingTypeCode } from '../model/index.ts';
import { createFleet } from './fleet.ts';
import { RATINGS_KVA } from './topology.ts';

const fleet = createFleet({ seed: 2024, meters: 3000 });

function km(a: { lat?: number; lon?: number }, b: { lat?: number; lon?: number }): number {
  const dLat = (a.lat! - b.lat!) * 111.32;
  const dLon = (a.lon! - b.lon!) * 111.32 * Math.cos((a.lat! * Math.PI) / 180);
  return Math.hypot(dLat, dLon);
}

test('meters are SIM000001… with plausible device fields, zone, status and profile tags', () => {
  assert.equal(fleet.meters.length, 3000);
  fleet.meters.forEach((m, i) => {
    assert.equal(m.id, `SIM${String(i + 1).padStart(6, '0')}`);
    assert.equal(m.kind, 'electricity');
    assert.equal(m.status, 'active');
    assert.equal(m.timeZone, 'Europe/Amsterdam');
    assert.ok(m.vendor && m.model && m.firmware && m.protocol && m.premise);
    assert.match(m.servicePoint!, /^871687\d{12}$/);
    assert.ok(['household', 'business'].includes(m.tags![0]!));
    assert.deepEqual(m.tags, fleet.profiles[i]!.tags);
  });
  assert.equal(new Set(fleet.meters.map((m) => m.servicePoint)).size, 3000);
});

test('profile shares: ~3 % business, of homes ~25 % PV, ~10 % EV, ~10 % heat pump', () => {
  const share = (tag: string, of = fleet.meters): number => of.filter((m) => m.tags!.includes(tag)).length / of.length;
  const homes = fleet.meters.filter((m) => m.tags!.includes('household'));
  assert.ok(Math.abs(share('business') - 0.03) < 0.01, `business ${share('business')}`);
  assert.ok(Math.abs(share('pv', homes) - 0.25) < 0.03);
  assert.ok(Math.abs(share('ev', homes) - 0.1) < 0.02);
  assert.ok(Math.abs(share('heatpump', homes) - 0.1) < 0.02);
});

test('feeders → transformers of standard ratings with 30–120 meters each, sized for their load', () => {
  const { feeders, transformers } = fleet.topology;
  assert.ok(feeders.length >= 2);
  const counts = new Map<string, number>();
  for (const m of fleet.meters) counts.set(m.grid!.transformerId!, (counts.get(m.grid!.transformerId!) ?? 0) + 1);
  for (const t of transformers) {
    assert.ok(feeders.some((f) => f.id === t.feederId));
    assert.ok((RATINGS_KVA as readonly number[]).includes(t.ratingKva));
    const n = counts.get(t.id)!;
    assert.ok(n >= 30 && n <= 120, `${t.id} has ${n} meters`);
    assert.ok(km(t, fleet.center) < 8, `${t.id} is ${km(t, fleet.center)} km out`);
  }
  // Bigger groups get bigger transformers.
  const per = transformers.map((t) => [counts.get(t.id)!, t.ratingKva] as const);
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(avg(per.filter(([n]) => n > 90).map(([, r]) => r)) > avg(per.filter(([n]) => n < 50).map(([, r]) => r)));
});

test('meters sit within a few hundred metres of their transformer, on a phase that fits their load', () => {
  const tx = new Map(fleet.topology.transformers.map((t) => [t.id, t]));
  fleet.meters.forEach((m, i) => {
    const p = fleet.profiles[i]!;
    assert.ok(km(m, tx.get(m.grid!.transformerId!)!) < 0.35);
    assert.equal(m.grid!.feederId, tx.get(m.grid!.transformerId!)!.feederId);
    assert.equal(m.grid!.phase, p.phase);
    if (p.business || p.heatPump || p.ev?.chargeW === 11000) assert.equal(m.grid!.phase, '3ph');
    assert.ok(p.lvPositionM > 0 && p.lvPositionM <= fleet.grid.transformers[p.transformerIndex]!.lvCableLengthM);
  });
  const phases = new Map<string, number>();
  for (const m of fleet.meters) phases.set(m.grid!.phase!, (phases.get(m.grid!.phase!) ?? 0) + 1);
  for (const ph of ['L1', 'L2', 'L3']) assert.ok(phases.get(ph)! > 0.2 * 3000, `${ph}: ${phases.get(ph)}`);
  assert.ok(phases.get('3ph')! > 0.2 * 3000);
});

test('channels: import for all, export for PV, voltage per phase, with the model\'s reading types', () => {
  const byMeter = new Map<string, string[]>();
  for (const c of fleet.channels) {
    byMeter.set(c.meterId, [...(byMeter.get(c.meterId) ?? []), c.obis]);
    assert.equal(c.intervalS, 900);
    const def = obisDefinition(c.obis)!;
    assert.equal(c.unit, def.unit);
    assert.equal(c.readingType, readingTypeCode(def, 900));
  }
  fleet.profiles.forEach((p) => {
    const expected = [obis('1-0:1.8.0'), ...(p.pv ? [obis('1-0:2.8.0')] : []), obis('1-0:32.7.0'), ...(p.threePhase ? [obis('1-0:52.7.0'), obis('1-0:72.7.0')] : [])];
    assert.deepEqual(byMeter.get(p.meterId), expected);
  });
  assert.equal(fleet.channels.find((c) => c.obis === obis('1-0:32.7.0'))!.unit, 'mV');
});

test('a fleet is a function of its seed, and meter i is the same site in a smaller fleet', () => {
  assert.deepEqual(createFleet({ seed: 2024, meters: 3000 }), fleet);
  assert.notDeepEqual(createFleet({ seed: 2025, meters: 300 }).profiles, createFleet({ seed: 2024, meters: 300 }).profiles);
  const small = createFleet({ seed: 2024, meters: 40 });
  small.profiles.forEach((p, i) => {
    assert.deepEqual(p.household, fleet.profiles[i]!.household);
    assert.deepEqual(p.pv, fleet.profiles[i]!.pv);
    assert.equal(p.initialImportWh, fleet.profiles[i]!.initialImportWh);
  });
  assert.deepEqual(createFleet({ seed: 'demo', meters: 5 }), createFleet({ seed: 'demo', meters: 5 }));
});

test('bad options are refused', () => {
  assert.throws(() => createFleet({ seed: 1, meters: 10, zone: 'Mars/Olympus' }), (e: unknown) => hasCode(e, 'ZONE_INVALID'));
  assert.throws(() => createFleet({ seed: 1, meters: 0 }), RangeError);
  assert.throws(() => createFleet({ seed: 1, meters: 2.5 }), RangeError);
  assert.throws(() => createFleet({ seed: 1, meters: 10, center: { lat: 95, lon: 0 } }), RangeError);
});

test('small fleets still get a transformer', () => {
  const f = createFleet({ seed: 3, meters: 7 });
  assert.equal(f.topology.transformers.length, 1);
  assert.equal(f.grid.transformers[0]!.meterIndices.length, 7);
});
