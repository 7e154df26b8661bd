import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hasCode } from '../../model/index.ts';
import { CH, CTX, plain, series, t } from '../conformance/fixtures.ts';
import type { Store } from '../store.port.ts';
import { openSqliteStore } from './index.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';

const DAY = t('2026-03-10T00:00:00Z');

function tempDb(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-sqlite-'));
  return { path: join(dir, 'm.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function withFile(fn: (path: string) => Promise<void>): Promise<void> {
  const { path, done } = tempDb();
  try {
    await fn(path);
  } finally {
    done();
  }
}

async function using<T>(store: Store, fn: (s: Store) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const LATEST = MIGRATIONS.at(-1)!.version;

test('migrations are numbered uniquely in ascending order and applied once, also on reopen', async () => {
  assert.deepEqual(MIGRATIONS.map((m) => m.version), [...new Set(MIGRATIONS.map((m) => m.version))].sort((a, b) => a - b));
  await withFile(async (path) => {
    await using(openSqliteStore({ path }), async (s) => assert.equal(await s.migrate(), LATEST));
    await using(openSqliteStore({ path }), async (s) => assert.equal(await s.migrate(), LATEST));
    const db = new Database(path);
    assert.equal((db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n, MIGRATIONS.length);
    db.close();
  });
});

test('a failing migration leaves the schema as it was', async () => {
  const db = new Database(':memory:');
  const broken = [...MIGRATIONS, { version: LATEST + 1, name: 'broken', up: 'CREATE TABLE extra (x); THIS IS NOT SQL' }];
  assert.throws(() => migrate(db, broken, 0), (e: unknown) => hasCode(e, 'STORE_MIGRATION_FAILED'));
  assert.equal(migrate(db, MIGRATIONS, 0), LATEST);
  assert.equal(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'extra'").get(), undefined);
  db.close();
});

test('a database newer than this code is refused', async () => {
  await withFile(async (path) => {
    await using(openSqliteStore({ path }), async () => undefined);
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(LATEST + 1, 'future');
    db.close();
    assert.throws(() => openSqliteStore({ path }), (e: unknown) => hasCode(e, 'STORE_MIGRATION_FAILED'));
  });
});

test('a migration numbered below one already applied (a reserved number landing later) is still applied, once', () => {
  const db = new Database(':memory:');
  const one = { version: 1, name: 'one', up: 'CREATE TABLE one (x)' };
  const three = { version: 3, name: 'three', up: 'CREATE TABLE three (x)' };
  assert.equal(migrate(db, [one, three], 0), 3);
  assert.equal(migrate(db, [one, { version: 2, name: 'two', up: 'CREATE TABLE two (x)' }, three], 0), 3);
  assert.notEqual(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'two'").get(), undefined);
  assert.throws(() => migrate(db, [one, three, { version: 3, name: 'again', up: '' }], 0), (e: unknown) => hasCode(e, 'STORE_MIGRATION_FAILED'));
  db.close();
});

test('opens in WAL mode with the requested synchronous level', async () => {
  await withFile(async (path) => {
    const store = openSqliteStore({ path, synchronous: 'FULL' });
    await store.close();
    const db = new Database(path);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });
});

test('data survives a reopen: blocks, versions, chains', async () => {
  await withFile(async (path) => {
    await using(openSqliteStore({ path }), async (s) => {
      await s.writeSeries([series('m1', DAY, [1, 2, 3])], CTX);
      await s.writeSeries([series('m1', DAY, [1, 5, 3])], CTX);
      await s.ingest([{ receipt: { sha256: 'ab', source: 'x', receivedAt: 1, bytes: 2 }, series: [] }], CTX);
    });
    await using(openSqliteStore({ path }), async (s) => {
      assert.deepEqual(plain(await s.readSeries('m1', CH, DAY, DAY + 2700)), [1, 5, 3]);
      assert.deepEqual((await s.readVersions('m1', CH, DAY, DAY + 1)).map((v) => plain(v.series).slice(0, 3)), [[1, 2, 3], [1, 5, 3]]);
      assert.deepEqual(await s.writeSeries([series('m1', DAY, [1, 5, 3, 4])], CTX), { written: 1, unchanged: 3, versioned: 0 });
      assert.deepEqual(await s.verifyAudit(), { ok: true, entries: 1 });
      assert.deepEqual(await s.verifyReceipts(), { ok: true, entries: 1 });
    });
  });
});

test('tampering with a stored audit entry or receipt is found', async () => {
  await withFile(async (path) => {
    await using(openSqliteStore({ path }), async (s) => {
      const at = 1_700_000_000;
      await s.appendAudit([1, 2, 3, 4].map((i) => ({ at: at + i, actor: 'a', action: 'x.y', object: `o/${i}`, details: { i } })));
      for (const n of [1, 2, 3]) await s.ingest([{ receipt: { sha256: `h${n}`, source: 'api', receivedAt: at + n, bytes: n }, series: [] }], CTX);
      const db = new Database(path);
      try {
        db.prepare("UPDATE audit SET details = '{\"i\":99}' WHERE seq = 3").run();
        assert.deepEqual(await s.verifyAudit(), { ok: false, entries: 3, brokenAt: 3, reason: 'content does not match its hash' });
        db.prepare("UPDATE audit SET details = '{\"i\":3}' WHERE seq = 3").run();
        assert.equal((await s.verifyAudit()).ok, true);
        db.prepare('DELETE FROM audit WHERE seq = 2').run();
        assert.equal((await s.verifyAudit()).brokenAt, 3);
        db.prepare('UPDATE receipts SET bytes = 999 WHERE seq = 2').run();
        assert.deepEqual(await s.verifyReceipts(), { ok: false, entries: 2, brokenAt: 2, reason: 'content does not match its hash' });
      } finally {
        db.close();
      }
    });
  });
});

test('a damaged block reads as BLOCK_CORRUPT, not as wrong numbers', async () => {
  await withFile(async (path) => {
    await using(openSqliteStore({ path }), async (s) => {
      await s.writeSeries([series('m1', DAY, [1, 2, 3])], CTX);
      const db = new Database(path);
      db.prepare('UPDATE interval_blocks SET data = substr(data, 1, length(data) - 1)').run();
      db.close();
      await assert.rejects(s.readSeries('m1', CH, DAY, DAY + 900), (e: unknown) => hasCode(e, 'BLOCK_CORRUPT'));
    });
  });
});

test('a second connection writing the same file is seen despite the block cache', async () => {
  await withFile(async (path) => {
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    try {
      await a.writeSeries([series('m1', DAY, [1, 2, 3])], CTX);
      assert.deepEqual(await b.writeSeries([series('m1', DAY, [1, 2, 4])], CTX), { written: 0, unchanged: 2, versioned: 1 });
      assert.deepEqual(await a.writeSeries([series('m1', DAY, [1, 2, 4])], CTX), { written: 0, unchanged: 3, versioned: 0 });
      await b.writeSeries([series('m2', DAY, [7])], CTX);
      assert.deepEqual(await a.writeSeries([series('m2', DAY, [7, 8])], CTX), { written: 1, unchanged: 1, versioned: 0 });
      assert.deepEqual(await a.verifyAudit(), { ok: true, entries: 1 });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

test('a rolled-back write leaves no trace in the block cache', async () => {
  await withFile(async (path) => {
    await using(openSqliteStore({ path, cacheIntervals: 1000 }), async (s) => {
      await s.writeSeries([series('m1', DAY, [1, 2, 3])], CTX);
      await assert.rejects(s.writeSeries([series('m1', DAY, [9, 9, 9]), series('m1', DAY, [1], { intervalS: 300 })], CTX));
      assert.deepEqual(await s.writeSeries([series('m1', DAY, [1, 2, 3])], CTX), { written: 0, unchanged: 3, versioned: 0 });
    });
  });
});

test('a tiny cache still gives the same results (blocks reload from the database)', async () => {
  await withFile(async (path) => {
    await using(openSqliteStore({ path, cacheIntervals: 96 }), async (s) => {
      for (let i = 0; i < 8; i++) {
        await s.writeSeries(['a', 'b', 'c'].map((m) => series(m, DAY + i * 900, [i + 1])), CTX);
      }
      for (const m of ['a', 'b', 'c']) assert.deepEqual(plain(await s.readSeries(m, CH, DAY, DAY + 8 * 900)), [1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });
});

test('channel ids stay unique across connections', async () => {
  await withFile(async (path) => {
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    try {
      await a.writeSeries([series('m1', DAY, [1])], CTX);
      await b.writeSeries([series('m2', DAY, [2])], CTX);
      await a.writeSeries([series('m3', DAY, [3])], CTX);
      for (const [m, v] of [['m1', 1], ['m2', 2], ['m3', 3]] as const) assert.deepEqual(plain(await b.readSeries(m, CH, DAY, DAY + 900)), [v]);
      const db = new Database(path);
      assert.deepEqual(db.prepare('SELECT count(DISTINCT id) AS n FROM channels').get(), { n: 3 });
      db.close();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
