// `meterstack import` of AEMO MDFF files as a user runs it: corpus NEM12 and NEM13 files found by
// their 100 header into a fresh data directory, the summary, what is stored, and a malformed file
// that exits non-zero naming file and line and stores nothing.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { childEnv, runCli, tempDir } from './process.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const STEP = { timeout: 120_000 };
const env = childEnv();

const summary = (out: string) => {
  const m = /imported (\d+)\/(\d+) files, (\d+) readings: (\d+) accepted \((\d+) already stored, (\d+) new versions\), (\d+) rejected, (\d+) estimated(?:; registered (\d+) new meters and (\d+) new channels)?/.exec(out);
  assert.ok(m, `a summary line:\n${out}`);
  const [files, of, readings, accepted, unchanged, versioned, rejected, estimated, meters, channels] = m.slice(1).map((x) => Number(x ?? 0));
  return { files, of, readings, accepted, unchanged, versioned, rejected, estimated, meters, channels };
};

describe('meterstack import of NEM12 / NEM13 files', () => {
  const data = tempDir('e2e-nem');
  after(() => data.remove());
  const db = join(data.dir, 'meterstack.db');
  const query = <T>(sql: string, ...args: unknown[]): T[] => {
    const d = new Database(db, { readonly: true });
    try { return d.prepare(sql).all(...args) as T[]; } finally { d.close(); }
  };

  it('imports corpus files by auto-detection, prints the summary, registers NMIs and stores the values', STEP, async () => {
    const files = ['nem12/Example_NEM12_actual_interval.csv', 'nem12/Example_NEM12_multiple_quality.csv', 'nem13/Example_NEM13_forward_estimate.csv'];
    const r = await runCli(['import', ...files.map((f) => CORPUS + f), '--data', data.dir], env);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    // 96 + 48 intervals and 2 register reads; F14 (20) and S14 (24) intervals are estimates.
    assert.deepEqual(summary(r.stdout), { files: 3, of: 3, readings: 146, accepted: 146, unchanged: 0, versioned: 0, rejected: 0, estimated: 44, meters: 3, channels: 5 });
    const meters = query<{ id: string; doc: string }>("SELECT id, doc FROM meters WHERE id IN ('VABD000163', 'CCCC123456', 'VDEF005890') ORDER BY id");
    assert.deepEqual(meters.map((m) => m.id), ['CCCC123456', 'VABD000163', 'VDEF005890']);
    assert.equal(JSON.parse(meters[1]!.doc).timeZone, 'Australia/Brisbane');
    const regs = query<{ obis: string; at: number; value: number }>("SELECT obis, at, value FROM registers WHERE meter_id = 'VDEF005890' ORDER BY obis");
    assert.equal(regs.length, 2);
    assert.equal(regs[0]!.value, 999_000, '000999 kWh → Wh');

    const out = await runCli(['export', '--meter', 'VABD000163', '--from', '2004-01-31T14:00:00Z', '--to', '2004-02-01T14:00:00Z', '--format', 'csv', '--data', data.dir], env);
    assert.equal(out.code, 0, `${out.stdout}${out.stderr}`);
    const rows = out.stdout.trimEnd().split('\n');
    // 1.111 kWh per 30 minutes from 00:00 AEST (14:00 UTC the day before), interval-ending.
    assert.ok(rows.includes('VABD000163,1-0:1.8.0,2004-01-31T14:30:00Z,1800,1111,A'), rows.slice(0, 3).join('\n'));
    assert.ok(rows.includes('VABD000163,1-0:3.8.0,2004-02-01T14:00:00Z,1800,2222,A'), 'Q1 → reactive import, last interval ends 00:00 AEST next day');
    assert.equal(rows.length, 1 + 96);
  });

  it('importing the same file again stores nothing new', STEP, async () => {
    const r = await runCli(['import', CORPUS + 'nem12/Example_NEM12_actual_interval.csv', '--data', data.dir], env);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const s = summary(r.stdout);
    assert.deepEqual([s.readings, s.unchanged, s.versioned, s.meters], [96, 96, 0, 0]);
  });

  it('a malformed file exits non-zero naming file and line, and stores nothing of it', STEP, async () => {
    const good = readFileSync(CORPUS + 'nem12/NEM12__000000000000002__CNRGYMDP__NEMMCO.csv', 'latin1').split('\n');
    const at = good.findIndex((l, i) => i > 6 && l.startsWith('300,'));
    const nmi = good[1]!.split(',')[1]!;
    const lines = [...good];
    lines[at] = lines[at]!.replace(/^(300,\d{8},[^,]*,)[^,]*/, '$112x4');
    const bad = join(data.dir, 'bad-nem12.csv');
    writeFileSync(bad, lines.join('\n'), 'latin1');
    const receiptsBefore = query<{ n: number }>('SELECT count(*) AS n FROM receipts')[0]!.n;

    const r = await runCli(['import', bad, '--data', data.dir], env);
    assert.notEqual(r.code, 0, `exits non-zero\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /NEM12_BAD_RECORD/);
    assert.match(r.stderr, /bad-nem12\.csv/, 'names the file');
    assert.match(r.stderr, new RegExp(`line ${at + 1}\\b`), 'names the line');
    assert.match(r.stderr, /interval value 2 "12x4" is not a decimal number/, 'says what is wrong');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.match(r.stdout, /imported 0\/1 files/);
    // The lines before the bad one were fine, yet nothing of the file is stored.
    assert.deepEqual(query('SELECT id FROM meters WHERE id = ?', nmi), []);
    assert.equal(query<{ n: number }>('SELECT count(*) AS n FROM receipts')[0]!.n, receiptsBefore);
  });

  it('--format nem13 on a NEM12 file says which format to use', STEP, async () => {
    const r = await runCli(['import', CORPUS + 'nem12/Example_NEM12_actual_interval.csv', '--format', 'nem13', '--data', data.dir], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NEM_MIXED_VERSIONS.*line 1.*--format nem12/);
  });
});
