// `meterstack start` end to end, as a user runs it: the real CLI in a child process, HTTP on
// loopback, a data directory in a temp folder. The steps of the first suite build on each other
// (first start → second start on the same data), so they run in order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoToEpoch } from '../../src/model/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { api, childEnv, killAll, runCli, sleep, SIM_READY, startServer, tempDir, type Server } from './process.ts';

const DAY = 86_400;
const Q = 900;
const METERS = 50;
const HISTORY_DAYS = 2;
const IMPORT = '1-0:1.8.0';
const STEP = { timeout: 120_000 };
const env = childEnv();
const iso = (t: number): string => new Date(t * 1000).toISOString();

after(killAll);

interface Reading { end: string; value: number; quality: string }

async function readingsOf(s: Server, key: string, meter: string, channel: string, from: number, to: number): Promise<Reading[]> {
  const out: Reading[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const r = await api(s.url, `/api/v1/meters/${meter}/readings?channel=${encodeURIComponent(channel)}&from=${iso(from)}&to=${iso(to)}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
    assert.equal(r.status, 200, r.text);
    out.push(...(r.body.items as Reading[]));
    cursor = r.body.next;
    if (cursor === null) break;
  }
  return out;
}

async function allMeters(s: Server, key: string): Promise<{ id: string }[]> {
  const out: { id: string }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const r = await api(s.url, `/api/v1/meters?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
    assert.equal(r.status, 200, r.text);
    out.push(...(r.body.items as { id: string }[]));
    cursor = r.body.next;
    if (cursor === null) break;
  }
  return out;
}

describe('meterstack start: first start, history, API, stop, second start, taken port', () => {
  const data = tempDir('e2e-start');
  after(async () => {
    await killAll();
    data.remove();
  });
  let server: Server;
  let key = '';
  /** The UTC day the simulated history starts at (sim.json keeps it). */
  let historyStart = 0;
  let historyBefore: Reading[] = [];

  before(async () => {
    const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
    server = await startServer(['--data', data.dir, '--meters', String(METERS), '--history', String(HISTORY_DAYS)], env);
    await server.waitFor(SIM_READY, 90_000);
    historyStart = (JSON.parse(readFileSync(join(data.dir, 'sim.json'), 'utf8')) as { start: number }).start;
    // Started today, or — if the test straddled midnight UTC — tomorrow.
    assert.ok(historyStart === today - HISTORY_DAYS * DAY || historyStart === today - (HISTORY_DAYS - 1) * DAY, `history starts ${iso(historyStart)}`);
  });

  it('prints a new admin key once, with the console URL #key=…', STEP, () => {
    const out = server.stdout;
    const m = /first start: created an admin API key[^\n]*\n\s*(\S+)\s*\n/.exec(out);
    assert.ok(m, `the first start announces the key\n${server.transcript()}`);
    key = m[1]!;
    assert.ok(key.length >= 16, `a key of at least 16 characters: ${key}`);
    assert.ok(out.includes(`open the console at http://localhost:${server.port}/#key=${key}`), `the console URL carries the key\n${out}`);
    // The key appears on exactly those two lines, and never on stderr.
    assert.equal(out.split(key).length - 1, 2, out);
    assert.ok(!server.stderr.includes(key), 'the key is not written to stderr');
    assert.match(out, new RegExp(`simulated fleet: ${METERS} meters`));
    assert.match(out, /history ready/);
  });

  it('has the history: 50 meters, 96 quarter-hours per history day on each channel, plausible values', STEP, async () => {
    const meters = await allMeters(server, key);
    assert.equal(meters.length, METERS);
    const first = await api(server.url, '/api/v1/meters?limit=1', { key });
    assert.equal(first.body.total, METERS);
    const from = historyStart;
    const to = historyStart + HISTORY_DAYS * DAY;
    for (const { id } of meters) {
      // Whole UTC days: each is complete.
      const days = await api(server.url, `/api/v1/meters/${id}/readings?channel=${encodeURIComponent(IMPORT)}&from=${iso(from)}&to=${iso(to)}&aggregate=day&zone=UTC`, { key });
      assert.equal(days.status, 200, days.text);
      assert.equal(days.body.items.length, HISTORY_DAYS, `${id}: one bucket per history day`);
      for (const d of days.body.items as { label: string; value: number; intervals: number; expected: number; missing: number }[]) {
        assert.equal(d.expected, 96, `${id} ${d.label}: a UTC day has 96 quarter-hours`);
        assert.equal(d.intervals, 96, `${id} ${d.label}: all 96 stored`);
        assert.equal(d.missing, 0, `${id} ${d.label}: none missing`);
        // A home uses somewhere between a few hundred Wh and ~150 kWh a day.
        assert.ok(d.value > 200 && d.value < 150_000, `${id} ${d.label}: ${d.value} Wh imported in a day is implausible`);
      }
    }
    // One meter in detail, on every interval channel.
    const detail = await api(server.url, '/api/v1/meters/SIM000001', { key });
    assert.equal(detail.status, 200, detail.text);
    const channels = (detail.body.channels as { obis: string; unit: string; intervalS: number }[]).filter((c) => c.intervalS === Q);
    assert.ok(channels.some((c) => c.obis.startsWith(IMPORT)), 'SIM000001 has the import channel');
    for (const c of channels) {
      const items = await readingsOf(server, key, 'SIM000001', c.obis, from, to);
      assert.equal(items.length, HISTORY_DAYS * 96, `${c.obis}: one item per quarter-hour`);
      const ends = items.map((r) => isoToEpoch(r.end));
      assert.deepEqual(ends, Array.from({ length: HISTORY_DAYS * 96 }, (_, i) => from + (i + 1) * Q), `${c.obis}: on the grid, in order`);
      assert.ok(items.every((r) => r.quality === 'A' && Number.isInteger(r.value)), `${c.obis}: all actual integer readings`);
      const values = items.map((r) => r.value);
      if (c.unit === 'Wh') {
        assert.ok(values.every((v) => v >= 0 && v <= 12_500), `${c.obis}: Wh per quarter-hour within 0..12.5 kWh (50 kW)`);
        assert.ok(new Set(values).size > 20, `${c.obis}: the load varies over two days`);
      }
      if (c.unit === 'mV') {
        // 230 V ± 10 %, or 0 V while the simulated grid has an outage.
        const live = values.filter((v) => v !== 0);
        assert.ok(live.every((v) => v >= 207_000 && v <= 253_000), `${c.obis}: voltage within 230 V ± 10 %: ${Math.min(...live)}..${Math.max(...live)}`);
        assert.ok(live.length > values.length / 2, `${c.obis}: the supply is up most of the time`);
      }
    }
    historyBefore = await readingsOf(server, key, 'SIM000001', IMPORT, from, to);
  });

  it('serves the console at / and guards the API: health open, meters 401 problem+json without a key', STEP, async () => {
    const page = await fetch(`${server.url}/`, { signal: AbortSignal.timeout(30_000) });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /<!doctype html>/i);

    const health = await api(server.url, '/api/v1/health');
    assert.equal(health.status, 200, health.text);
    assert.equal(health.body.status, 'ok');

    const noKey = await api(server.url, '/api/v1/meters');
    assert.equal(noKey.status, 401, noKey.text);
    assert.match(noKey.type, /^application\/problem\+json/);
    assert.equal(noKey.body.status, 401);
    assert.equal(typeof noKey.body.title, 'string');

    const badKey = await api(server.url, '/api/v1/meters', { key: 'msk_not-a-key-that-exists-000' });
    assert.equal(badKey.status, 401, badKey.text);
    assert.match(badKey.type, /^application\/problem\+json/);
  });

  it('stops cleanly on SIGTERM (exit 0)', STEP, async () => {
    const exit = await server.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, server.transcript());
    assert.match(server.stdout, /SIGTERM: stopping/);
  });

  it('a second start reuses the data and the key, prints no new key, and continues', STEP, async () => {
    server = await startServer(['--data', data.dir, '--meters', String(METERS), '--history', String(HISTORY_DAYS)], env);
    const ready = await server.waitFor(SIM_READY, 90_000);
    const out = server.stdout;
    assert.doesNotMatch(out, /created an admin API key|#key=|msk_/, `no new key is printed\n${out}`);
    assert.ok(!out.includes(key), 'nor the first one');
    assert.match(out, /enter your API key/);
    assert.doesNotMatch(out, /simulated fleet:/, 'the fleet is not created again');
    // It only catches up from where it stopped: far less than even one day of one channel.
    assert.ok(Number(ready[1]!.replace(/,/g, '')) < METERS * 96, `caught up ${ready[1]} readings, not the history again`);

    const first = await api(server.url, '/api/v1/meters?limit=1', { key });
    assert.equal(first.status, 200, `the first start's key still works: ${first.text}`);
    assert.equal(first.body.total, METERS, 'the same meters, none added');
    const again = await readingsOf(server, key, 'SIM000001', IMPORT, historyStart, historyStart + HISTORY_DAYS * DAY);
    assert.deepEqual(again, historyBefore, 'the history reads back the same');
    const versions = await api(server.url, '/api/v1/audit?action=interval.version&limit=5', { key });
    assert.equal(versions.status, 200, versions.text);
    assert.equal(versions.body.total, 0, `no interval was stored a second time: ${versions.text}`);
  });

  it('a start on a taken port exits non-zero with PORT_IN_USE, naming the port and --port / PORT', STEP, async () => {
    const other = tempDir('e2e-port');
    try {
      const [byFlag, byEnv] = await Promise.all([
        runCli(['start', '--port', String(server.port), '--data', other.dir, '--no-sim'], env),
        runCli(['start', '--data', other.dir, '--no-sim'], childEnv({ PORT: String(server.port) })),
      ]);
      for (const r of [byFlag, byEnv]) {
        assert.notEqual(r.code, 0, `exits non-zero\n${r.stdout}${r.stderr}`);
        assert.equal(r.signal, null);
        assert.match(r.stderr, /PORT_IN_USE/);
        assert.match(r.stderr, new RegExp(`\\b${server.port}\\b`), 'names the port');
        assert.match(r.stderr, /--port/);
        assert.match(r.stderr, /PORT=/);
        assert.doesNotMatch(r.stdout, /listening/);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for a known error');
      }
    } finally {
      other.remove();
    }
    // The running server is unaffected.
    assert.equal((await api(server.url, '/api/v1/health')).status, 200);
  });

  it('after the second stop the store has one version of every history block', STEP, async () => {
    const exit = await server.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, server.transcript());
    const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
    try {
      for (let m = 1; m <= METERS; m++) {
        const id = `SIM${String(m).padStart(6, '0')}`;
        for (const c of await store.listChannels(id)) {
          if (c.intervalS === 0) continue;
          const versions = await store.readVersions(id, c.obis, historyStart, historyStart + HISTORY_DAYS * DAY);
          assert.deepEqual(versions.map((v) => [iso(v.day), v.version]),
            Array.from({ length: HISTORY_DAYS }, (_, d) => [iso(historyStart + d * DAY), 1]), `${id} ${c.obis}: one version per day`);
        }
      }
      const r = await store.verifyReceipts();
      assert.equal(r.ok, true, JSON.stringify(r));
      const a = await store.verifyAudit();
      assert.equal(a.ok, true, JSON.stringify(a));
    } finally {
      await store.close();
    }
  });
});

describe('meterstack start --speed 3600', () => {
  const data = tempDir('e2e-speed');
  after(async () => {
    await killAll();
    data.remove();
  });

  it('stores live readings beyond the history within a few real seconds', STEP, async () => {
    const key = 'e2e-speed-admin-key-0123456789';
    const startedAt = Math.floor(Date.now() / 1000);
    const s = await startServer(['--data', data.dir, '--meters', '5', '--history', '1', '--speed', '3600'], childEnv({ METERSTACK_API_KEY: key }));
    try {
      await s.waitFor(SIM_READY, 90_000);
      assert.match(s.stdout, /speed ×3600/);
      // Simulated time runs an hour per real second: after a few seconds it is hours past the
      // real clock, and the meters' readings for those hours are stored.
      const from = Math.floor(startedAt / Q) * Q;
      const to = from + 2 * DAY;
      let ahead: Reading[] = [];
      for (let i = 0; i < 60 && ahead.length < 8; i++) {
        await sleep(500);
        const items = await readingsOf(s, key, 'SIM000001', IMPORT, from, to);
        ahead = items.filter((r) => r.quality !== 'N' && isoToEpoch(r.end) > startedAt + 3600);
      }
      assert.ok(ahead.length >= 8, `live quarter-hours more than an hour past the real start time are stored (got ${ahead.length})\n${s.transcript()}`);
      // The round's log line follows its last commit.
      await s.waitFor(/sim: \d[\d,]* readings up to/, 30_000);
      // They continue the history without a gap.
      const items = await readingsOf(s, key, 'SIM000001', IMPORT, from, isoToEpoch(ahead[ahead.length - 1]!.end));
      assert.ok(items.every((r) => r.quality === 'A'), 'no gap between the history and the live readings');
      const exit = await s.stop('SIGTERM');
      assert.deepEqual(exit, { code: 0, signal: null }, s.transcript());
    } finally {
      s.kill('SIGKILL');
    }
  });
});
