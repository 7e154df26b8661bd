// DSMR P1 as a user runs it: `decode dsmr` (file, stdin, encrypted), `import --format dsmr` (and
// sniffed), and `p1 listen` against a loopback ser2net-style gateway, stopped with Ctrl-C.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CLI, childEnv, killAll, Proc, ROOT, runCli, tempDir, within } from './process.ts';

after(killAll);

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/dsmr/', import.meta.url));
const capture = (name: string): string => CORPUS + name;
const env = childEnv();

function registers(dir: string, meter: string): { obis: string; at: number; value: number }[] {
  const db = new Database(join(dir, 'meterstack.db'), { readonly: true });
  try {
    return db.prepare('SELECT obis, at, value FROM registers WHERE meter_id = ? ORDER BY obis, at').all(meter) as { obis: string; at: number; value: number }[];
  } finally {
    db.close();
  }
}

test('decode dsmr FILE --json prints the contract: header, crc, objects with raw text, readings', async () => {
  const r = await runCli(['decode', 'dsmr', capture('athombv__dsmr-5.0-isk-1.txt'), '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).filter((k) => ['header', 'crc', 'objects', 'readings'].includes(k)), ['header', 'crc', 'objects', 'readings']);
  assert.equal(out.header.manufacturer, 'ISK');
  assert.deepEqual({ present: out.crc.present, valid: out.crc.valid }, { present: true, valid: true });
  const { name: _name, ...t1 } = out.objects.find((o: { obis: string }) => o.obis === '1-0:1.8.1');
  assert.deepEqual(t1, { obis: '1-0:1.8.1', raw: '(003808.351*kWh)', value: 3808351, unit: 'Wh' });
  assert.deepEqual(out.readings.find((x: { channel: string }) => x.channel === '0-1:24.2.1.255'),
    { meterId: 'E0034006810516416', channel: '0-1:24.2.1.255', at: '2018-11-06T13:00:10Z', value: 1569646, unit: 'L', quality: 'A' });
  assert.equal(out.events.length, 2);
});

test('decode dsmr: a wrong CRC is shown with a warning; a broken telegram exits 2 with the code and offset', async () => {
  const warn = await runCli(['decode', 'dsmr', capture('athombv__dsmr-5.0-spec-example.txt'), '--json'], env);
  assert.equal(warn.code, 0, warn.stderr);
  assert.equal(JSON.parse(warn.stdout).crc.valid, false);
  assert.match(warn.stderr, /warning DSMR_CRC_MISMATCH: declared CRC EF2F, computed E47C/);
  const dir = tempDir('e2e-dsmr-bad');
  try {
    const file = join(dir.dir, 'broken.txt');
    writeFileSync(file, '/ISK5\\2M550T-1011\r\n\r\n1-0:1.8.1(003808.351*kWh\r\n!\r\n');
    const bad = await runCli(['decode', 'dsmr', file], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error DSMR_BAD_LINE \(line 3, offset 30\): /);
  } finally {
    dir.remove();
  }
});

test('decode dsmr - reads stdin; an encrypted Smarty frame decodes with --key and --ak', async () => {
  const child = spawn(process.execPath, [...CLI, 'decode', 'dsmr', '-', '--key', '0123456789abcdef0123456789abcdef', '--ak', 'ffeeddccbbaa99887766554433221100', '--json'],
    { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += String(d); });
  child.stderr.on('data', (d) => { stderr += String(d); });
  child.stdin.end(readFileSync(capture('athombv__lux-smarty-encrypted-with-aad.hex')));
  const code = await within(new Promise<number | null>((r) => child.on('close', (c) => r(c))), 60_000, 'decode dsmr -');
  assert.equal(code, 0, stderr);
  const out = JSON.parse(stdout);
  assert.equal(out.encryption.invocationCounter, 0x11223344);
  assert.equal(out.header.raw, 'Lux5\\253694471_M');
  assert.equal(out.meter.id, 'SAG1030790002574');
  const wrong = await runCli(['decode', 'dsmr', capture('athombv__lux-smarty-encrypted-with-aad.hex'), '--key', '00000000000000000000000000000000'], env);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^error DSMR_DECRYPT_FAILED/);
});

test('import --format dsmr and by sniffing: meters, channels and readings stored; a damaged capture stores nothing', async () => {
  const data = tempDir('e2e-dsmr-import');
  try {
    const file = join(data.dir, 'capture.txt');
    writeFileSync(file, Buffer.concat([readFileSync(capture('athombv__dsmr-5.0-isk-1.txt')), Buffer.from('\r\n'), readFileSync(capture('ndokter__dsmr42_kaifa.txt'))]));
    const r = await runCli(['import', file, '--format', 'dsmr', '--data', data.dir], env);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /imported 1\/1 files, 41 readings: 41 accepted .*registered 2 new meters and \d+ new channels/);
    const iskra = registers(data.dir, 'E0034006810516416');
    assert.deepEqual(iskra.find((x) => x.obis === '1-0:1.8.1.255'), { obis: '1-0:1.8.1.255', at: 1541509469, value: 3808351 });
    assert.deepEqual(iskra.find((x) => x.obis === '0-1:24.2.1.255'), { obis: '0-1:24.2.1.255', at: 1541509210, value: 1569646 });
    // The same file again, sniffed: nothing new, everything already stored.
    const again = await runCli(['import', file, '--data', data.dir], env);
    assert.equal(again.code, 0, `${again.stdout}${again.stderr}`);
    assert.match(again.stdout, /41 readings: 41 accepted/);
    // A capture with one damaged telegram: exit non-zero with file, offset and code; nothing of it stored.
    const damaged = join(data.dir, 'damaged.txt');
    const fl = readFileSync(capture('ndokter__be_fluvius_v171.txt'));
    writeFileSync(damaged, Buffer.concat([fl, Buffer.from(fl.toString('latin1').replace('000015.758', '000015.759'), 'latin1')]));
    const bad = await runCli(['import', damaged, '--format', 'dsmr', '--data', data.dir], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /error DSMR_CRC_MISMATCH \([^)]*damaged\.txt, offset \d+\)/);
    assert.deepEqual(registers(data.dir, '1SAG3101021605'), []);
  } finally {
    data.remove();
  }
});

test('p1 listen HOST:PORT stores telegrams from a ser2net-style gateway and stops cleanly on SIGINT', async () => {
  const data = tempDir('e2e-p1');
  const telegrams = [readFileSync(capture('athombv__dsmr-4.2-kfm-1.txt')), readFileSync(capture('ndokter__dsmr50_iskra_am550_two_mbus.txt'))];
  const server = createServer((s) => {
    s.on('error', () => undefined);
    // Odd chunks, like a serial line relayed by a gateway.
    const all = Buffer.concat(telegrams);
    for (let i = 0; i < all.length; i += 61) s.write(all.subarray(i, i + 61));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const p = new Proc(['p1', 'listen', `127.0.0.1:${port}`, '--data', data.dir], env);
  try {
    await p.waitFor(/stored telegram of E0003000002124813 at 2018-03-06T11:30:56Z: 16 readings, 1 events/, 60_000);
    // The listener prints every 60th telegram; the second one is seen in the store.
    await within((async () => {
      while (registers(data.dir, 'E0044007382246019').length === 0) await new Promise((r) => setTimeout(r, 200));
    })(), 30_000, 'the second telegram to be stored');
    const exit = await p.stop('SIGINT');
    assert.deepEqual(exit, { code: 0, signal: null }, p.transcript());
    assert.match(p.stdout, /stopped: 2 telegrams received, 2 stored/);
    assert.deepEqual(registers(data.dir, 'E0003000002124813').find((x) => x.obis === '0-1:24.2.1.255'), { obis: '0-1:24.2.1.255', at: 1520334000, value: 5359919 });
    assert.ok(registers(data.dir, 'E0044007382246019').length > 10);
  } finally {
    p.kill('SIGKILL');
    server.close();
    data.remove();
  }
});
