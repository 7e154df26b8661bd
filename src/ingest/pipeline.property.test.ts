import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ERROR_CODES } from '../model/errors.ts';
import { obis } from '../model/obis.ts';
import { QUALITY, type QualityFlag } from '../model/quality.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { createPipeline } from './pipeline.ts';
import { NOW, json, meter, now } from './pipeline.fixture.ts';

const DAY = NOW - (NOW % 86_400) - 86_400;
const METERS = ['SIM000001', 'SIM000002'];
const CHANNELS = [
  { code: '1-0:1.8.0', intervalS: 900, min: 0 }, // cumulative import: never negative
  { code: '1-0:2.8.0', intervalS: 900, min: -1000 },
  { code: '1-0:32.7.0', intervalS: 300, min: -1000 },
] as const;
const FLAGS: QualityFlag[] = ['A', 'S', 'E', 'F', 'V'];

async function freshStore(): Promise<ReturnType<typeof openSqliteStore>> {
  const store = openSqliteStore({ path: ':memory:', clock: now });
  await store.upsertMeters(METERS.map(meter));
  return store;
}

interface Item { meter: string; ch: number; slot: number; values: number[]; quality: QualityFlag[]; series: boolean; iso: boolean }

const itemArb: fc.Arbitrary<Item> = fc.record({
  meter: fc.constantFrom(...METERS),
  ch: fc.integer({ min: 0, max: CHANNELS.length - 1 }),
  slot: fc.integer({ min: 0, max: 40 }),
  len: fc.integer({ min: 1, max: 6 }),
  series: fc.boolean(),
  iso: fc.boolean(),
  seed: fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(...FLAGS)), { minLength: 6, maxLength: 6 }),
}).map(({ meter, ch, slot, len, series, iso, seed }) => {
  const n = series ? len : 1;
  const min = CHANNELS[ch]!.min;
  return { meter, ch, slot, series, iso, values: seed.slice(0, n).map(([v]) => v + min), quality: seed.slice(0, n).map(([, q]) => q) };
});

function toJson(it: Item): Record<string, unknown> {
  const c = CHANNELS[it.ch]!;
  const start = DAY + it.slot * c.intervalS;
  const time = (t: number): number | string => (it.iso ? new Date(t * 1000).toISOString().replace('.000Z', '+00:00') : t);
  return it.series
    ? { meter: it.meter, channel: c.code, start: time(start), intervalS: c.intervalS, values: it.values, quality: it.quality }
    : { meter: it.meter, channel: c.code, end: time(start + c.intervalS), intervalS: c.intervalS, value: it.values[0], ...(it.quality[0] === 'A' ? {} : { quality: it.quality[0] }) };
}

/** The specification, written plainly: within a message the first item wins and a conflicting later item is rejected whole; across messages the later wins. */
function expected(messages: Item[][]): { state: Map<string, [number, number]>; conflicts: number[][] } {
  const state = new Map<string, [number, number]>();
  const conflicts = messages.map((items) => {
    const seen = new Map<string, [number, number]>();
    const rejected: number[] = [];
    items.forEach((it, idx) => {
      const pts = it.values.map((v, k) => [`${it.meter}|${it.ch}|${it.slot + k}`, [v, QUALITY[it.quality[k]!]]] as const);
      if (pts.some(([key, [v, q]]) => seen.has(key) && (seen.get(key)![0] !== v || seen.get(key)![1] !== q))) {
        rejected.push(idx);
        return;
      }
      for (const [key, vq] of pts) if (!seen.has(key)) seen.set(key, [vq[0], vq[1]]);
    });
    for (const [k, v] of seen) state.set(k, v);
    return rejected;
  });
  return { state, conflicts };
}

test('property: random batches of valid items are stored exactly as sent', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.array(itemArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), async (messages) => {
    const store = await freshStore();
    const p = createPipeline({ store, now, maxBatch: 3 });
    const results = await Promise.all(messages.map((items) => p.submit({ source: 'prop', bytes: json({ readings: items.map(toJson) }) })));
    const want = expected(messages);
    results.forEach((r, m) => {
      assert.deepEqual(r.rejected.map((x) => x.index), want.conflicts[m]);
      assert.ok(r.rejected.every((x) => x.code === 'INGEST_DUPLICATE_CONFLICT'));
    });
    for (const mtr of METERS) {
      for (const [ch, c] of CHANNELS.entries()) {
        const got = await store.readSeries(mtr, obis(c.code), DAY, DAY + 48 * c.intervalS);
        if (got.intervalS !== c.intervalS) {
          // A channel that never received data reads back on the default grid, all missing.
          assert.ok(got.quality.every((q) => q === QUALITY.N));
          assert.ok(![...want.state.keys()].some((k) => k.startsWith(`${mtr}|${ch}|`)));
          continue;
        }
        for (let slot = 0; slot < 48; slot++) {
          const w = want.state.get(`${mtr}|${ch}|${slot}`);
          const at = `${mtr} ${c.code} slot ${slot}`;
          if (w === undefined) assert.equal(got.quality[slot], QUALITY.N, at);
          else assert.deepEqual([got.values[slot], got.quality[slot]], w, at);
        }
      }
    }
    await p.close();
    await store.close();
  }), { numRuns: 100 });
});

const junkItem = fc.oneof(
  fc.jsonValue(),
  fc.record({
    meter: fc.oneof(fc.constantFrom(...METERS), fc.jsonValue()),
    channel: fc.oneof(fc.constantFrom('1-0:1.8.0', '1-0:1.8', '9-9:999.9.9'), fc.jsonValue()),
    end: fc.oneof(fc.constant(DAY + 900), fc.constant('2026-11-25T00:15:00Z'), fc.jsonValue()),
    start: fc.oneof(fc.constant(DAY), fc.jsonValue()),
    intervalS: fc.oneof(fc.constantFrom(900, 60, 7), fc.jsonValue()),
    value: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
    values: fc.oneof(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.jsonValue())), fc.jsonValue()),
    quality: fc.oneof(fc.constantFrom('A', 'E', 'Q'), fc.array(fc.constantFrom('A', 'X')), fc.jsonValue()),
  }, { requiredKeys: [] }),
);

const junkMessage = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => ({ bytes: b, items: -1 })),
  fc.jsonValue().map((v) => ({ bytes: json(v), items: -1 })),
  fc.array(junkItem, { maxLength: 15 }).map((items) => ({ bytes: json({ readings: items }), items: items.length })),
);

test('property: random malformed messages and items only ever end as rejections', async () => {
  await fc.assert(fc.asyncProperty(fc.array(junkMessage, { minLength: 1, maxLength: 5 }), async (messages) => {
    const store = await freshStore();
    const p = createPipeline({ store, now });
    const results = await Promise.all(messages.map((m) => p.submit({ source: 'junk', bytes: m.bytes })));
    let rejectedTotal = 0;
    results.forEach((r, k) => {
      for (const x of r.rejected) assert.ok(x.code in ERROR_CODES, x.code);
      const n = messages[k]!.items;
      if (n >= 0) assert.equal(r.accepted + r.rejected.length, n);
      else assert.ok(r.rejected.length === 1 || r.rejected.every((x) => x.index >= 0), 'a non-batch is one message-level rejection');
      rejectedTotal += r.rejected.length;
    });
    assert.equal((await store.listRejects({ source: 'junk' }, { limit: 1 })).total, rejectedTotal);
    assert.equal((await store.verifyReceipts()).ok, true);
    await p.close();
    await store.close();
  }), { numRuns: 60 });
});
