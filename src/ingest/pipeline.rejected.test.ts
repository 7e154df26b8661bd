import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { obis } from '../model/obis.ts';
import { QUALITY } from '../model/quality.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { createPipeline } from './pipeline.ts';
import { NOW, now, openTestStore } from './pipeline.fixture.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const T = NOW - 7200;

test('a message rejected as a whole by its decoder: receipt in the chain, one reject row at -1, no data', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  const json = new TextEncoder().encode('{"schema":"channels/9","channels":[]}');
  const cbor = Uint8Array.of(0xa2, 0x00, 0x67, 0x63, 0x6f, 0x6d, 0x70, 0x61, 0x63, 0x74, 0x01, 0x07, 0xff);
  // Series handed along with a rejection are not stored: the message as a whole was refused.
  const series = [{ meterId: 'SIM000001', channel: obis('1-0:1.8.0'), start: T, intervalS: 900, values: Float64Array.of(5), quality: Uint8Array.of(QUALITY.A) }];
  const a = await p.submitDecoded({
    source: 'coap:SIM000001', bytes: json, series, actor: 'device:SIM000001',
    rejected: { code: 'PAYLOAD_UNKNOWN_VERSION', reason: 'payload format "channels" has no schema version 9; known versions: 1, 2', meterId: 'SIM000001' },
  });
  const b = await p.submitDecoded({ source: 'mqtt:SIM000002', bytes: cbor, series: [], rejected: { code: 'PAYLOAD_MALFORMED', reason: 'not CBOR' } });
  const c = await p.submitDecoded({ source: 'mqtt:SIM000002', bytes: cbor, series: [], rejected: { code: 'ACME_BROKEN', reason: 'vendor code' } });

  assert.deepEqual(a.rejected, [{ index: -1, code: 'PAYLOAD_UNKNOWN_VERSION', reason: 'payload format "channels" has no schema version 9; known versions: 1, 2' }]);
  assert.deepEqual([a.accepted, a.written, b.accepted, b.written], [0, 0, 0, 0]);
  assert.deepEqual(c.rejected.map((r) => [r.code, r.reason]), [['INGEST_MALFORMED', 'ACME_BROKEN: vendor code']]);
  assert.equal((await t.store.readSeries('SIM000001', obis('1-0:1.8.0'), T, T + 900)).quality[0], QUALITY.N, 'nothing stored');

  const rejects = await t.store.listRejects({}, { limit: 10 });
  assert.equal(rejects.total, 3);
  const [ra, rb] = rejects.items;
  assert.deepEqual([ra!.position, ra!.code, ra!.source, ra!.meterId, ra!.receiptSeq], [-1, 'PAYLOAD_UNKNOWN_VERSION', 'coap:SIM000001', 'SIM000001', a.receiptSeq]);
  assert.match(ra!.reason, /known versions: 1, 2/);
  assert.equal(JSON.parse(ra!.item), '{"schema":"channels/9","channels":[]}', 'JSON kept as received text');
  assert.deepEqual(JSON.parse(rb!.item), { base64: Buffer.from(cbor).toString('base64') }, 'binary kept as base64');
  assert.equal((await t.store.listRejects({ code: 'PAYLOAD_MALFORMED' }, { limit: 5 })).items[0]!.receiptSeq, b.receiptSeq);

  const receipts = await t.store.listReceipts({ limit: 10 });
  assert.deepEqual(receipts.items.map((r) => [r.seq, r.sha256, r.source]), [
    [a.receiptSeq, sha(json), 'coap:SIM000001'], [b.receiptSeq, sha(cbor), 'mqtt:SIM000002'], [c.receiptSeq, sha(cbor), 'mqtt:SIM000002'],
  ]);
  assert.deepEqual(await t.store.verifyReceipts(), { ok: true, entries: 3 });
  assert.equal(p.stats().rejected, 3);
  await p.close();
  await t.close();
});
