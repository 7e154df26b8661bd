import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { obis } from '../../model/index.ts';
import type { IngestUnit } from '../store.port.ts';
import { CH, CTX, plain, rejectsWith, series, t, type Case } from './fixtures.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const GENESIS = '0'.repeat(64);

const unit = (name: string, extra: Partial<IngestUnit> = {}): IngestUnit => ({
  receipt: { sha256: sha(name), source: 'mqtt:sim', receivedAt: t('2026-03-10T12:00:00Z'), bytes: name.length },
  series: [],
  ...extra,
});

export const chainCases: readonly Case[] = [
  ['ingest chains receipts from the genesis hash and files rejects under them', async (store) => {
    const rej = { at: t('2026-03-10T12:00:00Z'), source: 'mqtt:sim', position: 3, meterId: 'm9', code: 'INGEST_UNKNOWN_METER', reason: 'no such meter', item: '{"meter":"m9"}' };
    const out = await store.ingest([
      unit('a', { series: [series('m1', '2026-03-10T00:00:00Z', [1, 2])], registers: [{ meterId: 'm1', channel: obis('1-0:1.8.0'), at: t('2026-03-10T00:00:00Z'), value: 9 }] }),
      unit('b', { series: [series('m1', '2026-03-10T00:00:00Z', [1, 3, 4])], events: [{ meterId: 'm1', at: t('2026-03-10T00:05:00Z'), code: 1 }], rejects: [rej] }),
    ], CTX);
    assert.deepEqual(out.result, { written: 3, unchanged: 1, versioned: 1 });
    assert.deepEqual(out.units, [{ written: 2, unchanged: 0, versioned: 0 }, { written: 1, unchanged: 1, versioned: 1 }]);
    const [r1, r2] = out.receipts;
    assert.deepEqual([r1!.seq, r2!.seq], [1, 2]);
    assert.equal(r1!.prevHash, GENESIS);
    assert.equal(r1!.hash, sha(`${GENESIS}|${sha('a')}|mqtt:sim|${t('2026-03-10T12:00:00Z')}|1`));
    assert.equal(r2!.prevHash, r1!.hash);
    assert.deepEqual((await store.listReceipts({ limit: 10 })).items, out.receipts);
    assert.deepEqual(await store.verifyReceipts(), { ok: true, entries: 2 });
    const rejects = await store.listRejects({ meterId: 'm9' }, { limit: 10 });
    assert.equal(rejects.total, 1);
    assert.deepEqual({ ...rejects.items[0], id: undefined }, { ...rej, id: undefined, receiptSeq: 2 });
    assert.deepEqual(plain(await store.readSeries('m1', CH, t('2026-03-10T00:00:00Z'), t('2026-03-10T00:45:00Z'))), [1, 3, 4]);
    assert.equal((await store.readRegisters('m1', obis('1-0:1.8.0'), 0, t('2026-03-11T00:00:00Z'))).length, 1);
    assert.equal((await store.listEvents('m1', 0, t('2026-03-11T00:00:00Z'), { limit: 10 })).total, 1);
  }],

  ['ingest is all or nothing', async (store) => {
    await store.ingest([unit('a', { series: [series('m1', '2026-03-10T00:00:00Z', [1])] })], CTX);
    const bad = [
      unit('b', { series: [series('m2', '2026-03-10T00:00:00Z', [1])], rejects: [{ at: 1, source: 's', position: 0, code: 'X', reason: 'x', item: '{}' }] }),
      unit('c', { series: [series('m1', '2026-03-10T00:00:00Z', [1], { intervalS: 300 })] }),
    ];
    await rejectsWith(store.ingest(bad, CTX), 'STORE_CONFLICT');
    assert.equal((await store.listReceipts({ limit: 10 })).total, 1);
    assert.equal((await store.listRejects({}, { limit: 10 })).total, 0);
    assert.deepEqual(plain(await store.readSeries('m2', CH, t('2026-03-10T00:00:00Z'), t('2026-03-10T00:15:00Z'))), [null]);
    const next = await store.ingest([unit('d')], CTX);
    assert.equal(next.receipts[0]!.seq, 2);
    assert.deepEqual(await store.verifyReceipts(), { ok: true, entries: 2 });
  }],

  ['rejects: added, filtered and paged', async (store) => {
    const base = { source: 'file:a.csv', code: 'CSV_BAD_ROW', reason: 'bad', item: 'x,y' };
    await store.addRejects(Array.from({ length: 7 }, (_, i) => ({ ...base, at: 100 + i, position: i, ...(i % 2 ? { meterId: 'm1', channel: CH } : {}) })));
    await store.addRejects([{ ...base, source: 'api', at: 200, position: 0, code: 'INGEST_FUTURE' }]);
    assert.equal((await store.listRejects({}, { limit: 3 })).total, 8);
    assert.deepEqual((await store.listRejects({ meterId: 'm1' }, { limit: 10 })).items.map((r) => r.position), [1, 3, 5]);
    assert.equal((await store.listRejects({ code: 'INGEST_FUTURE' }, { limit: 10 })).items[0]!.source, 'api');
    assert.equal((await store.listRejects({ source: 'file:a.csv', since: 104 }, { limit: 10 })).total, 3);
    const first = await store.listRejects({}, { limit: 5 });
    const second = await store.listRejects({}, { limit: 5, cursor: first.next });
    assert.deepEqual([...first.items, ...second.items].map((r) => r.at), [100, 101, 102, 103, 104, 105, 106, 200]);
    assert.equal(second.next, null);
  }],

  ['audit: entries are chained, filtered and paged', async (store) => {
    const at = t('2026-03-10T12:00:00Z');
    await store.appendAudit([
      { at, actor: 'alice', action: 'meter.update', object: 'meter/E1', details: { field: 'status', to: 'removed' } },
      { at, actor: 'bob', action: 'key.create', object: 'apikey/k1' },
    ]);
    await store.appendAudit([{ at: at + 1, actor: 'alice', action: 'meter.update', object: 'meter/E2', details: { nested: { b: 1, a: [1, 2] } } }]);
    const all = await store.listAudit({}, { limit: 2 });
    assert.equal(all.total, 3);
    const rest = await store.listAudit({}, { limit: 2, cursor: all.next });
    const entries = [...all.items, ...rest.items];
    assert.deepEqual(entries.map((e) => e.seq), [1, 2, 3]);
    assert.equal(entries[0]!.prevHash, GENESIS);
    const canonical = '{"action":"meter.update","actor":"alice","at":' + at + ',"details":{"field":"status","to":"removed"},"object":"meter/E1"}';
    assert.equal(entries[0]!.hash, sha(`${GENESIS}|${canonical}`));
    assert.equal(entries[1]!.prevHash, entries[0]!.hash);
    assert.equal(entries[1]!.details, undefined);
    assert.deepEqual(entries[2]!.details, { nested: { b: 1, a: [1, 2] } });
    assert.deepEqual((await store.listAudit({ actor: 'alice' }, { limit: 10 })).items.map((e) => e.seq), [1, 3]);
    assert.deepEqual((await store.listAudit({ action: 'key.create' }, { limit: 10 })).items.map((e) => e.seq), [2]);
    assert.deepEqual((await store.listAudit({ objectPrefix: 'meter/' }, { limit: 10 })).items.map((e) => e.object), ['meter/E1', 'meter/E2']);
    const since = await store.listAudit({ actor: 'alice', since: at + 1 }, { limit: 10 });
    assert.deepEqual([since.total, since.items.map((e) => e.seq)], [1, [3]]);
    assert.deepEqual(await store.verifyAudit(), { ok: true, entries: 3 });
  }],

];
