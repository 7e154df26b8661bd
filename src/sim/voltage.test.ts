import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OBIS_EXPORT, OBIS_IMPORT, OBIS_VOLTAGE } from './channels.ts';
import { createFleet } from './fleet.ts';
import { FleetSimulator } from './simulator.ts';
import { cableVPerW, NOMINAL_V, supplyVoltage, transformerVPerW } from './voltage.ts';

test('the network model: drop grows with load and distance, reverses under export', () => {
  const k = transformerVPerW(250) + cableVPerW(300, 400, 4);
  assert.ok(cableVPerW(300, 400, 4) > cableVPerW(100, 400, 4));
  assert.ok(transformerVPerW(100) > transformerVPerW(630));
  const idle = supplyVoltage(235, 0, k, 0);
  assert.equal(idle, 235);
  assert.ok(supplyVoltage(235, 60_000, k, 3000) < idle - 5);
  assert.ok(supplyVoltage(235, -30_000, k, -4000) > idle + 2);
  // A fully loaded transformer drops ~2 % of nominal in its own impedance.
  assert.ok(Math.abs(transformerVPerW(400) * (400_000 / 3) - 0.02 * NOMINAL_V) < 1e-9);
});

// Two weeks of 300 meters: a cold one (heavy load) and a sunny one (PV export).
const fleet = createFleet({ seed: 21, meters: 300 });
const Q = 96;
const txCount = fleet.grid.transformers.length;
interface Week { phaseW: Float64Array; volts: { meter: number; phase: number; tx: number; v: Float64Array }[] }

function simulateWeek(firstDay: number): Week {
  const sim = new FleetSimulator(fleet);
  const days = 7;
  const phaseW = new Float64Array(txCount * 3 * days * Q);
  const volts: Week['volts'] = [];
  const index = new Map(fleet.meters.map((m, i) => [m.id, i]));
  let d = 0;
  for (const out of sim.days(firstDay, days)) {
    for (const s of out.series) {
      const m = index.get(s.meterId)!;
      const p = fleet.profiles[m]!;
      const tx = p.transformerIndex;
      if (s.channel === OBIS_IMPORT || s.channel === OBIS_EXPORT) {
        const sign = s.channel === OBIS_IMPORT ? 4 : -4;
        const phases = p.threePhase ? [0, 1, 2] : [Number(p.phase[1]) - 1];
        for (const ph of phases) for (let i = 0; i < Q; i++) phaseW[((tx * 3 + ph) * days + d) * Q + i] += (sign * s.values[i]!) / phases.length;
      } else {
        const j = OBIS_VOLTAGE.indexOf(s.channel);
        const phase = p.threePhase ? j : Number(p.phase[1]) - 1;
        let w = volts.find((x) => x.meter === m && x.phase === phase);
        if (!w) volts.push((w = { meter: m, phase, tx, v: new Float64Array(days * Q) }));
        w.v.set(s.values, d * Q);
      }
    }
    d++;
  }
  return { phaseW, volts };
}

const winter = simulateWeek(Date.UTC(2026, 0, 12) / 1000);
const summer = simulateWeek(Date.UTC(2026, 5, 8) / 1000);
const P = (w: Week, tx: number, phase: number, k: number): number => w.phaseW[(tx * 3 + phase) * 7 * Q + k]!;

test('voltages stay within EN 50160 (230 V ± 10 %) outside interruptions', () => {
  let n = 0;
  let outside = 0;
  for (const w of [winter, summer]) {
    for (const { v } of w.volts) {
      for (const mv of v) {
        if (mv === 0) continue; // interruption
        n++;
        if (mv < 207_000 || mv > 253_000) outside++;
        assert.ok(mv > 195_500 && mv < 260_000, `${mv} mV`);
      }
    }
  }
  assert.ok(n > 300 * 2 * 7 * Q);
  assert.ok(outside / n < 0.01, `${outside} of ${n} outside ±10 %`);
});

test('voltage sags as the transformer phase loads up', () => {
  let negative = 0;
  for (const { tx, phase, v } of winter.volts) {
    let sp = 0, sv = 0, spp = 0, spv = 0, n = 0;
    v.forEach((mv, k) => {
      if (mv === 0) return;
      const p = P(winter, tx, phase, k) / 1000;
      sp += p; sv += mv / 1000; spp += p * p; spv += (p * mv) / 1000; n++;
    });
    const slope = (n * spv - sp * sv) / (n * spp - sp * sp);
    if (slope < 0) negative++;
  }
  assert.ok(negative > 0.95 * winter.volts.length, `${negative} of ${winter.volts.length} meters sag with load`);
  // Heaviest tenth of a transformer phase's intervals against its lightest tenth.
  for (let tx = 0; tx < txCount; tx++) {
    for (let ph = 0; ph < 3; ph++) {
      const ks = [...Array(7 * Q).keys()].sort((a, b) => P(winter, tx, ph, a) - P(winter, tx, ph, b));
      const light = new Set(ks.slice(0, ks.length / 10));
      const heavy = new Set(ks.slice(-ks.length / 10));
      const mean = (set: Set<number>): number => {
        let s = 0, n = 0;
        for (const w of winter.volts) if (w.tx === tx && w.phase === ph) for (const k of set) if (w.v[k]! > 0) { s += w.v[k]!; n++; }
        return s / n;
      };
      assert.ok(mean(heavy) < mean(light) - 1500, `T${tx} L${ph + 1}: heavy ${mean(heavy)} mV vs light ${mean(light)} mV`);
    }
  }
});

test('voltage rises above no-load where PV pushes power back through the transformer', () => {
  let checked = 0;
  for (let tx = 0; tx < txCount; tx++) {
    const noLoad = fleet.grid.transformers[tx]!.noLoadV * 1000;
    for (let ph = 0; ph < 3; ph++) {
      const ks = [...Array(7 * Q).keys()];
      const minP = Math.min(...ks.map((k) => P(summer, tx, ph, k)));
      if (minP > -10_000) continue;
      const reverse = ks.filter((k) => P(summer, tx, ph, k) < minP / 2);
      let s = 0, n = 0;
      for (const w of summer.volts) if (w.tx === tx && w.phase === ph) for (const k of reverse) if (w.v[k]! > 0) { s += w.v[k]!; n++; }
      assert.ok(s / n > noLoad, `T${tx} L${ph + 1} under ${(-minP / 1000).toFixed(0)} kW reverse flow: ${(s / n).toFixed(0)} mV vs no-load ${noLoad}`);
      checked++;
    }
  }
  assert.ok(checked >= 3, `${checked} transformer phases with reverse flow`);
});
