/**
 * The P1 head-end end to end inside one process: a loopback ser2net-style gateway streams
 * telegrams (one damaged), the head-end registers the meter and stores every good telegram in a
 * real SQLite store through the real pipeline; nothing of the damaged one is stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isoToEpoch, obis } from '../model/index.ts';
import { createPipeline } from '../ingest/index.ts';
import { createServices } from '../services/index.ts';
import { encryptFrame } from '../protocols/dsmr/index.ts';
import { tempStore } from '../../test/support/sqlite-fleet.ts';
import { ingestP1Frames, listenP1, type P1TelegramResult } from './dsmr-p1.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/dsmr/', import.meta.url));
const NOW = isoToEpoch('2026-11-26T12:00:00Z');

function platform() {
  const t = tempStore(() => NOW);
  const ingest = createPipeline({ store: t.store, now: () => NOW });
  const services = createServices({ store: t.store, ingest, now: () => NOW });
  return {
    t, services,
    registerNew: (m: Parameters<typeof services.meters.registerNew>[0], c: Parameters<typeof services.meters.registerNew>[1]) => services.meters.registerNew(m, c, 'test', NOW),
    close: async () => { await ingest.close(); await t.close(); },
  };
}

test('listenP1: telegrams from a TCP gateway are stored; a damaged one is refused and stores nothing', async () => {
  const good = readFileSync(`${CORPUS}athombv__dsmr-5.0-isk-1.txt`);
  const kaifa = readFileSync(`${CORPUS}ndokter__dsmr42_kaifa.txt`);
  const damaged = Buffer.from(good.toString('latin1').replace('003808.351', '003809.351'), 'latin1');
  const server = createServer((s) => { s.on('error', () => undefined); s.write(Buffer.concat([good, damaged, kaifa])); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const p = platform();
  const stop = new AbortController();
  const results: P1TelegramResult[] = [];
  try {
    const stats = await listenP1({
      host: '127.0.0.1', port: (server.address() as AddressInfo).port, signal: stop.signal,
      ingest: p.services.ingest, registerNew: p.registerNew,
      onTelegram: (r) => { results.push(r); if (results.length === 3) stop.abort(); },
    });
    // isk-1: 19 registers + 2 power-failure events; Kaifa 4.2: 16 registers + 4 events.
    assert.deepEqual({ ...stats }, { telegrams: 3, stored: 2, refused: 1, readings: 19 + 2 + 16 + 4 });
    assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.code)), ['ok', 'DSMR_CRC_MISMATCH', 'ok']);
    const meter = await p.services.meters.get('E0034006810516416');
    assert.equal(meter.meter.protocol, 'dsmr-p1');
    assert.ok(meter.channels.some((c) => c.obis === obis('0-1:24.2.1') && c.unit === 'L'));
    const t1 = await p.t.store.readRegisters('E0034006810516416', obis('1-0:1.8.1'), 0, NOW);
    assert.deepEqual(t1.map((r) => [r.at, r.value]), [[isoToEpoch('2018-11-06T13:04:29Z'), 3_808_351]], 'the damaged telegram\'s 3809351 is not stored');
    const gas = await p.t.store.readRegisters('E0034006810516416', obis('0-1:24.2.1'), 0, NOW);
    assert.deepEqual(gas.map((r) => r.value), [1_569_646]);
    const events = await p.t.store.listEvents('E0034006810516416', 0, NOW, { limit: 10 });
    assert.deepEqual(events.items.map((e) => e.code).sort(), [1, 2]);
  } finally {
    server.close();
    await p.close();
  }
});

test('ingestP1Frames: the same telegram twice is stored once; encrypted frames need the key', async () => {
  const p = platform();
  const bytes = readFileSync(`${CORPUS}ndokter__dsmr50_iskra_mt382.txt`);
  const key = Buffer.alloc(16, 5);
  const frame = encryptFrame(readFileSync(`${CORPUS}ndokter__lu_sagemcom_t210dr_plaintext.txt`), { key, systemTitle: Buffer.from('SAGEMCOM'), invocationCounter: 1 });
  async function* frames() {
    yield { kind: 'telegram' as const, bytes, receivedAt: NOW };
    yield { kind: 'telegram' as const, bytes, receivedAt: NOW };
    yield { kind: 'encrypted' as const, bytes: frame, receivedAt: NOW };
  }
  try {
    const results: P1TelegramResult[] = [];
    const base = { source: 'test', ingest: p.services.ingest, registerNew: p.registerNew, onTelegram: (r: P1TelegramResult) => results.push(r) };
    const plain = await ingestP1Frames(frames(), base);
    assert.equal(plain.refused, 1);
    assert.equal(results.at(-1)!.ok ? '' : (results.at(-1) as { code: string }).code, 'DSMR_KEY_REQUIRED');
    const regs = await p.t.store.readRegisters('K8EG004046395507', obis('1-0:1.8.1'), 0, NOW);
    assert.equal(regs.length, 1);
    const keyed = await ingestP1Frames(frames(), { ...base, keys: { key }, meterId: 'LU-1' });
    assert.equal(keyed.refused, 0);
    assert.equal((await p.t.store.readRegisters('LU-1', obis('1-0:1.8.1'), 0, NOW)).at(-1)?.value, 5_017_120);
  } finally {
    await p.close();
  }
});
