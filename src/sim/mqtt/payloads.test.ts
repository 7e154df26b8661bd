import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY, obis } from '../../model/index.ts';
import { mapPayload } from '../../protocols/payloads/index.ts';
import { FleetSimulator } from '../simulator.ts';
import { createMqttFleet } from './layout.ts';
import { encodeEvents, encodeReadings, encodeRegisters } from './payloads.ts';

const START = Date.UTC(2026, 5, 1) / 1000;
const ctx = (deviceId: string, encoding: 'json' | 'cbor') => ({ deviceId, encoding, receivedAt: START + 86_400 });

test('what the simulated meters send maps back to exactly the simulator series, in both formats', () => {
  const fleet = createMqttFleet({ seed: 1, meters: 6 });
  const out = new FleetSimulator(fleet).intervalsBetween(START, START + 4 * 900);
  for (const m of fleet.meters) {
    const series = out.series.filter((s) => s.meterId === m.id);
    assert.ok(series.length >= 2);
    for (const format of ['compact', 'channels'] as const) {
      const p = encodeReadings(m.id, series, format);
      assert.equal(p.encoding, format === 'compact' ? 'cbor' : 'json');
      const back = mapPayload(p.bytes, ctx(m.id, p.encoding));
      assert.deepEqual(back.series.map((s) => ({ ...s })), series.map((s) => ({ ...s })), `${m.id} ${format}`);
    }
  }
});

test('missing and estimated values keep their quality; compact falls back to channels v2 for flags it cannot carry', () => {
  const values = Float64Array.of(100, 0, 120);
  const s = { meterId: 'MQ000001', channel: obis('1-0:1.8.0'), start: START, intervalS: 900, values, quality: Uint8Array.of(QUALITY.A, QUALITY.N, QUALITY.E) };
  const p = encodeReadings('MQ000001', [s], 'compact');
  assert.equal(p.encoding, 'json');
  assert.deepEqual([...mapPayload(p.bytes, ctx('MQ000001', 'json')).series[0]!.quality], [QUALITY.A, QUALITY.N, QUALITY.E]);
  const withGap = { ...s, quality: Uint8Array.of(QUALITY.A, QUALITY.N, QUALITY.A) };
  const c = encodeReadings('MQ000001', [withGap], 'compact');
  assert.equal(c.encoding, 'cbor');
  assert.deepEqual([...mapPayload(c.bytes, ctx('MQ000001', 'cbor')).series[0]!.quality], [QUALITY.A, QUALITY.N, QUALITY.A]);
});

test('events and registers map back', () => {
  const events = [{ meterId: 'MQ000002', at: START + 60, code: 1 }, { meterId: 'MQ000002', at: START + 600, code: 2 }];
  const e = encodeEvents('MQ000002', events);
  assert.deepEqual(mapPayload(e.bytes, ctx('MQ000002', 'cbor')).events, events);
  const r = encodeRegisters('MQ000002', START, new Map([[obis('1-0:1.8.0'), 12_345_678], [obis('1-0:2.8.0'), 0]]));
  assert.deepEqual(mapPayload(r.bytes, ctx('MQ000002', 'json')).registers, [
    { meterId: 'MQ000002', channel: obis('1-0:1.8.0'), at: START, value: 12_345_678 },
    { meterId: 'MQ000002', channel: obis('1-0:2.8.0'), at: START, value: 0 },
  ]);
});
