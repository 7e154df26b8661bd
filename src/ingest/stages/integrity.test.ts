import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { obis } from '../../model/obis.ts';
import type { IntervalSeries } from '../../model/reading.ts';
import { receiptForBytes, receiptForContent } from './integrity.ts';

const series = (v: number): IntervalSeries => ({
  meterId: 'SIM000001', channel: obis('1-0:1.8.0'), start: 0, intervalS: 900, values: Float64Array.of(v, 2), quality: Uint8Array.of(0, 0),
});

test('a receipt carries the SHA-256 of exactly the bytes received', () => {
  const bytes = new TextEncoder().encode('{"readings":[]}');
  const r = receiptForBytes(bytes, 'api', 100);
  assert.deepEqual(r, { sha256: createHash('sha256').update(bytes).digest('hex'), source: 'api', receivedAt: 100, bytes: bytes.length });
});

test('a content receipt is deterministic and changes with any value', () => {
  const a = receiptForContent([series(1)], [], [], 'sim', 5);
  assert.deepEqual(receiptForContent([series(1)], [], [], 'sim', 5), a);
  assert.notEqual(receiptForContent([series(3)], [], [], 'sim', 5).sha256, a.sha256);
  assert.equal(a.bytes > 32, true);
  const sub = { ...series(1), values: new Float64Array([9, 1, 2]).subarray(1) };
  assert.equal(receiptForContent([sub], [], [], 'sim', 5).sha256, a.sha256, 'hashes the view, not its whole buffer');
});

test('registers and events hash as their JSON, also when there are more than fit in one string slice', () => {
  const registers = Array.from({ length: 25_001 }, (_, i) => ({ meterId: `SIM${i % 97}`, channel: obis('1-0:1.8.0'), at: i * 900, value: i * 7 }));
  const events = Array.from({ length: 3 }, (_, i) => ({ meterId: 'SIM1', at: i, code: 1 }));
  const r = receiptForContent([], registers, events, 'sim', 5);
  const text = `R\n${JSON.stringify(registers)}\nE\n${JSON.stringify(events)}\n`;
  assert.equal(r.sha256, createHash('sha256').update(text).digest('hex'));
  assert.equal(r.bytes, Buffer.byteLength(text));
});
