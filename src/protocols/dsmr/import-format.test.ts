import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasCode } from '../../model/index.ts';
import type { ImportBatch } from '../../formats/format.ts';
import { dsmrImport } from './import-format.ts';
import { formatTelegram, hexText, p1Time, fixed } from './writer.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/dsmr/', import.meta.url));

async function* chunks(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function readAll(b: Uint8Array, size = 97, opts = {}): Promise<ImportBatch[]> {
  const out: ImportBatch[] = [];
  for await (const batch of dsmrImport.read(chunks(b, size), { source: 'capture.txt', ...opts })) out.push(batch);
  return out;
}

const telegram = (i: number): string => formatTelegram('ISK5\\2M550T-1011', [
  `0-0:1.0.0(${p1Time(1_790_000_000 + i * 10, 'Europe/Amsterdam')})`, `0-0:96.1.1(${hexText('E0001')})`, `1-0:1.8.1(${fixed(1000 + i, 9, 3)}*kWh)`,
]);

test('a capture of concatenated telegrams with noise between them: every telegram, its meter and channels', async () => {
  const text = `junk\r\n${telegram(0)}\r\n\x00${telegram(1)}${telegram(2)}`;
  const batches = await readAll(Buffer.from(text, 'latin1'));
  assert.equal(batches.length, 1);
  const b = batches[0]!;
  assert.deepEqual(b.meters?.map((m) => m.id), ['E0001']);
  assert.deepEqual(b.channels?.map((c) => c.obis), ['1-0:1.8.1.255']);
  assert.deepEqual(b.registers?.map((r) => [r.at, r.value]), [0, 1, 2].map((i) => [1_790_000_000 + i * 10, 1000 + i]));
  assert.equal(Buffer.from(b.bytes).toString('latin1'), telegram(0) + telegram(1) + telegram(2), 'exactly the telegrams\' bytes');
});

test('a corpus capture imports with its gas reading and power-failure events', async () => {
  const batches = await readAll(readFileSync(`${CORPUS}athombv__dsmr-5.0-isk-1.txt`), 64);
  const b = batches[0]!;
  assert.equal(b.registers?.length, 19);
  assert.equal(b.events?.length, 2);
  assert.ok(b.channels?.some((c) => c.obis === '0-1:24.2.1.255' && c.unit === 'L'));
});

test('a damaged telegram stops the import with DSMR_CRC_MISMATCH, the file and its byte offset', async () => {
  const good = telegram(0);
  const bad = telegram(1).replace('000001.001', '000001.002');
  await assert.rejects(readAll(Buffer.from(good + bad, 'latin1')), (e) => {
    assert.ok(hasCode(e, 'DSMR_CRC_MISMATCH'));
    assert.equal(e.source, 'capture.txt');
    assert.equal(e.offset, good.length + bad.indexOf('\n!') + 1);
    return true;
  });
});

test('a telegram cut off in the middle of a file, a file without telegrams, a telegram without meter id: typed errors', async () => {
  await assert.rejects(readAll(Buffer.from(`${telegram(0).slice(0, 40)}\r\n${telegram(1)}`, 'latin1')), (e) => hasCode(e, 'DSMR_TRUNCATED'));
  await assert.rejects(readAll(Buffer.from('meter,channel\n1,2\n')), (e) => hasCode(e, 'DSMR_BAD_HEADER'));
  const anonymous = formatTelegram('KAM5', ['0-0:1.0.0(250101000000W)', '1-0:1.8.0(00000123.321*kWh)']);
  await assert.rejects(readAll(Buffer.from(anonymous)), (e) => hasCode(e, 'DSMR_NO_METER_ID'));
  const named = await readAll(Buffer.from(anonymous), 97, { meterId: 'K1' });
  assert.equal(named[0]!.registers?.[0]?.meterId, 'K1');
});

test('sniff: a file starting with /XXX5', () => {
  assert.equal(dsmrImport.sniff('/ISK5\\2M550T-1011\r\n', 'x.txt'), true);
  assert.equal(dsmrImport.sniff('\r\n/KFM5KAIFA-METER\r\n', 'x.txt'), true);
  assert.equal(dsmrImport.sniff('meter,channel,interval_end', 'x.csv'), false);
  assert.equal(dsmrImport.sniff('100,NEM12,200506081149', 'x.csv'), false);
});
