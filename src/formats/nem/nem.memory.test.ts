import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nem12Import } from './nem-format.ts';
import { syntheticNem12, type SyntheticCount } from './nem12.fixture.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1 << 20;

// The bench streams 1 GB (bench/nem12-import.bench.ts); here 100 MB keeps the suite quick.
test('a 100 MB NEM12 stream decodes in constant memory', { timeout: 120_000 }, async () => {
  const made: SyntheticCount = { readings: 0, bytes: 0 };
  let readings = 0;
  let batches = 0;
  let early = 0;
  let peak = 0;
  gc();
  const base = process.memoryUsage().heapUsed;
  for await (const b of nem12Import.read(syntheticNem12({ bytes: 100 * MB }, made), { source: 'synthetic' })) {
    for (const s of b.series ?? []) readings += s.values.length;
    batches++;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    if (early === 0 && made.bytes > 10 * MB) { gc(); early = process.memoryUsage().heapUsed; }
  }
  gc();
  const late = process.memoryUsage().heapUsed;
  assert.equal(readings, made.readings, 'every value generated was decoded');
  assert.ok(made.bytes >= 100 * MB);
  assert.ok(batches > 100, `${batches} batches`);
  // Retained memory after 100 MB is what it was after 10 MB: nothing grows with the file.
  assert.ok(late - early < 8 * MB, `heap grew by ${((late - early) / MB).toFixed(1)} MB between 10 and 100 MB`);
  assert.ok(peak - base < 128 * MB, `peak heap ${((peak - base) / MB).toFixed(1)} MB above the start`);
});
