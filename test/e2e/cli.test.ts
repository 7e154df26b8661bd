// The file-facing CLI end to end: `import`, `export` and `audit verify` as a user runs them, on a
// data directory whose meters a short `meterstack start` created. The steps build on each other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { shortObis } from '../../src/model/index.ts';
import { childEnv, killAll, runCli, SIM_READY, startServer, tempDir } from './process.ts';

const DAY = 86_400;
const Q = 900;
const HEADER = 'meter,channel,interval_end,interval_s,value,quality';
const STEP = { timeout: 120_000 };
const env = childEnv();
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

after(killAll);

/** Rows of the canonical CSV: `count` quarter-hours from `from` on 1-0:1.8.0, one of them estimated. */
function rows(meter: string, from: number, count: number, base: number): string[] {
  return Array.from({ length: count }, (_, i) => `${meter},1-0:1.8.0,${iso(from + (i + 1) * Q)},900,${base + i * 7},${i === 3 ? 'E' : 'A'}`);
}

/** A row as export prints it: the channel in its short form (F=255 omitted), everything else as sent. */
const canonical = (row: string): string => {
  const f = row.split(',');
  f[1] = shortObis(f[1]!);
  return f.join(',');
};

const summary = (out: string) => {
  const m = /imported (\d+)\/(\d+) files, (\d+) readings: (\d+) accepted \((\d+) already stored, (\d+) new versions\), (\d+) rejected, (\d+) estimated/.exec(out);
  assert.ok(m, `a summary line:\n${out}`);
  const [files, of, rowCount, accepted, unchanged, versioned, rejected, estimated] = m.slice(1).map(Number) as number[];
  return { files, of, rows: rowCount, accepted, unchanged, versioned, rejected, estimated };
};

describe('meterstack import / export / audit verify', () => {
  const data = tempDir('e2e-cli');
  after(async () => {
    await killAll();
    data.remove();
  });
  const db = join(data.dir, 'meterstack.db');
  // Ten days back: before the simulated fleet's data (today) and safely in the past.
  const day = Math.floor(Date.now() / 1000 / DAY) * DAY - 10 * DAY;
  const file = (name: string, lines: string[]): string => {
    const p = join(data.dir, name);
    writeFileSync(p, `${lines.join('\n')}\n`);
    return p;
  };
  const exportCsv = async (meter: string, from: number, to: number) => {
    const r = await runCli(['export', '--meter', meter, '--from', iso(from), '--to', iso(to), '--format', 'csv', '--data', data.dir], env);
    assert.equal(r.code, 0, `export exits 0\n${r.stdout}${r.stderr}`);
    return r.stdout.trimEnd().split('\n');
  };
  const good = [...rows('SIM000001', day, 8, 1000), ...rows('SIM000002', day, 8, 2000)];
  let goodFile = '';

  before(async () => {
    const s = await startServer(['--data', data.dir, '--meters', '5', '--history', '0'], env);
    await s.waitFor(SIM_READY, 90_000);
    const exit = await s.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, s.transcript());
    goodFile = file('good.csv', [HEADER, ...good]);
  });

  it('imports a canonical CSV, prints a summary and exits 0', STEP, async () => {
    const r = await runCli(['import', goodFile, '--data', data.dir], env);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.deepEqual(summary(r.stdout), { files: 1, of: 1, rows: 16, accepted: 16, unchanged: 0, versioned: 0, rejected: 0, estimated: 2 });
  });

  it('exports exactly the imported rows', STEP, async () => {
    for (const meter of ['SIM000001', 'SIM000002']) {
      const lines = await exportCsv(meter, day, day + DAY);
      assert.deepEqual(lines, [HEADER, ...good.filter((l) => l.startsWith(`${meter},`)).map(canonical)]);
    }
  });

  it('importing the same file again stores nothing new and says so', STEP, async () => {
    const r = await runCli(['import', goodFile, '--data', data.dir], env);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    const s = summary(r.stdout);
    assert.equal(s.rows, 16);
    assert.equal(s.unchanged, 16, 'every row already stored');
    assert.equal(s.versioned, 0, 'no new version');
    assert.equal(s.rejected, 0);
    const lines = await exportCsv('SIM000001', day, day + DAY);
    assert.deepEqual(lines, [HEADER, ...good.filter((l) => l.startsWith('SIM000001,')).map(canonical)]);
  });

  it('a malformed file (bad row on line 7) exits non-zero naming file and line, and stores nothing of it', STEP, async () => {
    const next = day + DAY;
    const lines = [HEADER, ...rows('SIM000003', next, 8, 3000)];
    lines[6] = `SIM000003,1-0:1.8.0,${iso(next + 6 * Q)},900,12x4,A`; // line 7 of the file
    const bad = file('bad-row.csv', lines);
    const r = await runCli(['import', bad, '--data', data.dir], env);
    assert.notEqual(r.code, 0, `exits non-zero\n${r.stdout}${r.stderr}`);
    assert.equal(r.signal, null);
    assert.match(r.stderr, /bad-row\.csv/, 'names the file');
    assert.match(r.stderr, /line 7\b/, 'names the line');
    assert.match(r.stderr, /12x4/, 'says what is wrong');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.match(r.stdout, /imported 0\/1 files/);
    // Rows 2–6 were fine, yet none of them is stored.
    assert.deepEqual(await exportCsv('SIM000003', next, next + DAY), [HEADER]);

    // In a run with a good file too, the good one is imported and the bad one still stores nothing.
    const other = file('good-2.csv', [HEADER, ...rows('SIM000004', next, 4, 4000)]);
    const both = await runCli(['import', other, bad, '--data', data.dir], env);
    assert.notEqual(both.code, 0, `${both.stdout}${both.stderr}`);
    assert.match(both.stdout, /imported 1\/2 files, 4 readings/);
    assert.equal((await exportCsv('SIM000004', next, next + DAY)).length, 5);
    assert.deepEqual(await exportCsv('SIM000003', next, next + DAY), [HEADER]);
  });

  it('rows for an unknown meter are rejected and counted; the others are stored', STEP, async () => {
    const d = day + 2 * DAY;
    const known = rows('SIM000005', d, 6, 5000);
    const f = file('unknown-meter.csv', [HEADER, ...known, ...rows('NOSUCH0001', d, 5, 9000)]);
    const r = await runCli(['import', f, '--data', data.dir], env);
    assert.equal(r.code, 0, `unknown meters are data problems, not a failed import\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stderr, /INTERNAL|\n\s+at /);
    const s = summary(r.stdout);
    assert.deepEqual([s.files, s.rows, s.accepted, s.rejected], [1, 11, 6, 5]);
    assert.deepEqual(await exportCsv('SIM000005', d, d + DAY), [HEADER, ...known.map(canonical)]);
    const sql = new Database(db, { readonly: true });
    try {
      const rejects = sql.prepare("SELECT code, count(*) AS n FROM rejects WHERE meter_id = 'NOSUCH0001' GROUP BY code").all();
      assert.deepEqual(rejects.map((x: any) => x.code), ['INGEST_UNKNOWN_METER'], 'kept with the reason');
    } finally {
      sql.close();
    }
  });

  it('audit verify exits 0, and non-zero once a receipts or audit row is tampered with', STEP, async () => {
    const ok = await runCli(['audit', 'verify', '--data', data.dir], env);
    assert.equal(ok.code, 0, `${ok.stdout}${ok.stderr}`);
    assert.match(ok.stdout, /receipts: ok, \d+ entries/);
    assert.match(ok.stdout, /audit: ok, \d+ entries/);

    const edit = (sql: string): void => {
      const w = new Database(db);
      try { w.exec(sql); } finally { w.close(); }
    };
    const sql = new Database(db, { readonly: true });
    const seq = (sql.prepare("SELECT min(seq) AS s FROM receipts WHERE source = 'file:good.csv'").get() as { s: number }).s;
    const auditSeq = (sql.prepare('SELECT min(seq) AS s FROM audit').get() as { s: number | null }).s;
    sql.close();
    assert.ok(seq > 0, 'the import left a receipt');

    edit(`UPDATE receipts SET bytes = bytes + 1 WHERE seq = ${seq}`);
    const broken = await runCli(['audit', 'verify', '--data', data.dir], env);
    assert.notEqual(broken.code, 0, `${broken.stdout}${broken.stderr}`);
    assert.match(broken.stdout, new RegExp(`receipts: BROKEN at entry ${seq}\\b`));

    edit(`UPDATE receipts SET bytes = bytes - 1 WHERE seq = ${seq}`);
    const restored = await runCli(['audit', 'verify', '--data', data.dir], env);
    assert.equal(restored.code, 0, `undoing the edit makes the chain whole again\n${restored.stdout}${restored.stderr}`);

    assert.ok(auditSeq !== null, 'the audit log has entries');
    edit(`UPDATE audit SET actor = actor || '-forged' WHERE seq = ${auditSeq}`);
    const forged = await runCli(['audit', 'verify', '--data', data.dir], env);
    assert.notEqual(forged.code, 0, `${forged.stdout}${forged.stderr}`);
    assert.match(forged.stdout, new RegExp(`audit: BROKEN at entry ${auditSeq}\\b`));
  });
});
