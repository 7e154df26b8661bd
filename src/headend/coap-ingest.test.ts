import { test } from 'node:test';
import assert from 'node:assert/strict';
import { obis } from '../model/obis.ts';
import { QUALITY } from '../model/quality.ts';
import { CONTENT_FORMAT, SIGNATURE_OPTION, postReading, signPayload } from '../protocols/coap/index.ts';
import { decodeDatagram, encodeDatagram, text, uint } from '../protocols/coap/datagram.fixture.ts';
import { PAYLOAD_EXAMPLES, encodeBody } from '../protocols/payloads/index.ts';
import { KEY1, KEY2, NOW, coapRig, exchangeRaw } from './coap-ingest.fixture.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';

const PARTS = { openSqliteStore, createPipeline };

const T0 = 1795687200; // 2026-11-26T10:00:00Z
const CH = obis('1-0:1.8.0');
const answer = (p: Uint8Array): Record<string, unknown> => JSON.parse(Buffer.from(p).toString('utf8')) as Record<string, unknown>;
const example = (format: string, version: number) => PAYLOAD_EXAMPLES.find((e) => e.format === format && e.version === version)!;

/** A signed POST as raw datagram bytes: a retransmission must be byte-identical. */
function rawPost(o: { mid: number; token: Uint8Array; code?: string; path?: string[]; cf?: number; body: unknown }): Uint8Array {
  const payload = encodeBody(o.body, 'json');
  return encodeDatagram({
    type: 'CON', code: o.code ?? '0.02', messageId: o.mid, token: o.token, payload,
    options: [...(o.path ?? ['r', 'SIM000001']).map((p) => [11, text(p)] as const), ...(o.cf === undefined ? [] : [[12, uint(o.cf)] as const]), [SIGNATURE_OPTION, signPayload(KEY1, payload)]],
  });
}

function post(rig: { target: { host: string; port: number } }, meterId: string, body: unknown, enc: 'json' | 'cbor', key?: Uint8Array) {
  const payload = encodeBody(body, enc);
  return postReading({ ...rig.target, meterId, payload, contentFormat: CONTENT_FORMAT[enc], ...(key ? { signature: signPayload(key, payload) } : {}), timeoutMs: 5000 });
}

test('coap: signed JSON and CBOR readings are answered 2.04 after they are stored', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  try {
    const a = await post(rig, 'SIM000001', example('channels', 2).body, 'json', KEY1);
    assert.equal(a.code, '2.04');
    assert.equal(answer(a.payload).accepted, 2);
    const got = await rig.store.readSeries('SIM000001', CH, T0, T0 + 2700);
    assert.deepEqual([...got.values], [125, 118, 0]);
    assert.deepEqual([...got.quality], [QUALITY.A, QUALITY.E, QUALITY.N]);

    const b = await post(rig, 'SIM000002', example('compact', 1).body, 'cbor', KEY2);
    assert.equal(b.code, '2.04');
    assert.deepEqual([...(await rig.store.readSeries('SIM000002', CH, T0, T0 + 2700)).values], [125, 118, 0]);
    const events = await rig.store.listEvents('SIM000002', T0, NOW, { limit: 10 });
    assert.deepEqual(events.items.map((e) => [e.at, e.code]), [[T0 + 300, 1]]);
    const receipts = await rig.store.listReceipts({ limit: 10 });
    assert.deepEqual(receipts.items.map((r) => r.source), ['coap:SIM000001', 'coap:SIM000002']);
  } finally {
    await rig.close();
  }
});

test('coap: unsigned, forged and unknown-device messages get 4.01, are audited, and store nothing', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  try {
    const body = example('channels', 1).body;
    assert.equal((await post(rig, 'SIM000001', body, 'json')).code, '4.01');
    const forged = await post(rig, 'SIM000001', body, 'json', KEY2); // SIM000002's key
    assert.equal(forged.code, '4.01');
    assert.equal(answer(forged.payload).code, 'COAP_UNAUTHORIZED');
    assert.equal((await post(rig, 'SIM000003', body, 'json', KEY1)).code, '4.01'); // no key provisioned
    await rig.coap.flush();
    assert.equal((await rig.store.listReceipts({ limit: 10 })).total, 0, 'not ingested at all');
    const audit = await rig.store.listAudit({ action: 'coap.auth-failed' }, { limit: 10 });
    // One entry per address and minute; the rest are counted into the next one.
    assert.equal(audit.total, 1);
    assert.equal(audit.items[0]!.object, 'meter/SIM000001');
    assert.match(String(audit.items[0]!.details?.reason), /no signature/);
  } finally {
    await rig.close();
  }
});

test('coap: payloads that cannot be mapped get 4.00/4.03 with a diagnostic and land in the rejects', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  try {
    const v9 = await post(rig, 'SIM000001', { schema: 'channels/9', meter: 'SIM000001', channels: [] }, 'json', KEY1);
    assert.equal(v9.code, '4.00');
    const d = answer(v9.payload);
    assert.equal(d.code, 'PAYLOAD_UNKNOWN_VERSION');
    assert.match(String(d.reason), /known versions: 1, 2/);
    const other = await post(rig, 'SIM000001', { ...(example('channels', 1).body as object), meter: 'SIM000002' }, 'json', KEY1);
    assert.equal(other.code, '4.03');
    assert.equal(answer(other.payload).code, 'PAYLOAD_WRONG_DEVICE');
    const rejects = await rig.store.listRejects({ meterId: 'SIM000001' }, { limit: 10 });
    assert.deepEqual(rejects.items.map((r) => [r.position, r.code, r.source, r.receiptSeq]), [
      [-1, 'PAYLOAD_UNKNOWN_VERSION', 'coap:SIM000001', d.receiptSeq],
      [-1, 'PAYLOAD_WRONG_DEVICE', 'coap:SIM000001', answer(other.payload).receiptSeq],
    ]);
    await rig.coap.flush();
    assert.equal((await rig.store.listAudit({ action: 'coap.wrong-device' }, { limit: 5 })).total, 1);
  } finally {
    await rig.close();
  }
});

test('coap: wrong path 4.04, wrong method 4.05, unsupported Content-Format 4.15', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  try {
    const body = example('channels', 1).body;
    const con = (mid: number, code: string, path: string[], cf: number | undefined): Uint8Array => rawPost({ mid, token: Uint8Array.of(1, 2, mid), code, path, body, ...(cf === undefined ? {} : { cf }) });
    const answers = await exchangeRaw(rig.server.port, [
      { bytes: con(1, '0.02', ['readings'], 50) }, { bytes: con(2, '0.01', ['r', 'SIM000001'], 50) },
      { bytes: con(3, '0.02', ['r', 'SIM000001'], 0) }, { bytes: con(4, '0.02', ['r', 'SIM000001'], undefined) },
    ], 500);
    const byMid = new Map(answers.map(decodeDatagram).map((d) => [d.messageId, d]));
    assert.deepEqual([1, 2, 3, 4].map((m) => byMid.get(m)?.code), ['4.04', '4.05', '4.15', '4.15']);
    assert.equal(answer(byMid.get(3)!.payload!).code, 'COAP_UNSUPPORTED_CONTENT_FORMAT');
    // A signed message the server cannot decode is still the device's message: receipted and rejected.
    assert.equal((await rig.store.listRejects({ code: 'COAP_UNSUPPORTED_CONTENT_FORMAT' }, { limit: 5 })).total, 2);
  } finally {
    await rig.close();
  }
});

test('coap: a retransmitted CON message is ingested once and every copy is answered', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  try {
    const datagram = rawPost({ mid: 0x1234, token: Uint8Array.of(0xca, 0xfe), cf: 50, body: example('channels', 2).body });
    // Two copies back to back (the second arrives while the first is being ingested) and a third
    // after the answer went out, as a client whose ACK got lost would send it.
    const answers = (await exchangeRaw(rig.server.port, [{ bytes: datagram }, { bytes: datagram }, { bytes: datagram, afterMs: 400 }], 500)).map(decodeDatagram);
    assert.equal(answers.length, 3);
    for (const a of answers) {
      assert.deepEqual([a.type, a.code, a.messageId, Buffer.from(a.token).toString('hex')], ['ACK', '2.04', 0x1234, 'cafe']);
    }
    assert.deepEqual(answers.map((a) => answer(a.payload!).receiptSeq), [1, 1, 1], 'the same answer each time');
    assert.equal((await rig.store.listReceipts({ limit: 10 })).total, 1, 'one store write');
    assert.equal(rig.ingest.stats().messages, 1);
    // What each layer did: the library handed us the copy that came while the first was being
    // ingested (our exchange cache answered it), and answered the late copy from its own cache.
    assert.deepEqual(rig.server.stats(), { requests: 2, duplicates: 1 });
  } finally {
    await rig.close();
  }
});
