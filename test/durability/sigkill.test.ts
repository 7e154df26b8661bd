// An acknowledged reading is durable: the server is killed with SIGKILL at random points while a
// client sends batches, restarted on the same data directory, and every acknowledged reading is
// found stored exactly once (20 runs). The real `meterstack start` runs as a child process; the
// client talks HTTP on loopback like a meter gateway would.
//
// Each run: send batches with several requests in flight → SIGKILL after a random delay →
// restart on the same data → (1) the store, read from a separate connection, holds every
// acknowledged reading with its value and flag, a batch whose answer was lost whole or not at all,
// nothing else, one version per day block; (2) the API serves the same for a sample of batches;
// (3) re-sending the unacknowledged batches succeeds, as "already stored" for those that had been
// committed; (4) no interval got a second version. At the end the last server gets SIGTERM, and
// the whole store, the receipts of every acknowledged batch and both hash chains are checked.
//
// DURABILITY_SEED=<n> replays a run (every failure message names the seed).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isoToEpoch, obis, qualityFlag } from '../../src/model/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { api, childEnv, killAll, runCli, SIM_READY, startServer, tempDir, within, type Server } from '../e2e/process.ts';

const SEED = Number(process.env.DURABILITY_SEED ?? 20261126);
const RUNS = 20;
const KEY = 'durability-admin-key-0123456789abcdef';
const METERS = 20;
const CHANNEL = '1-0:1.8.0';
const IN_FLIGHT = 6;
/**
 * Batches a client may send per run: more than it manages before the kill, so that the kill lands
 * while requests are in flight. Batch g covers half a UTC day for 4 meters; the 10 batches of a day
 * cover all 20 meters for both halves, so most day blocks are filled by two messages.
 */
const MAX_BATCHES = 3000;
const PER_DAY = 10;
/** Acknowledged batches per run that are also read back through the API. */
const API_SAMPLE = 6;
const DAY = 86_400;
const HALF = DAY / 2;
const Q = 900;
/** Far before the simulated fleet's own data (today), so nothing else writes these days. */
const BASE = isoToEpoch('2001-01-01T00:00:00Z');
const LAST = BASE + (RUNS * MAX_BATCHES / PER_DAY) * DAY;
const START_ARGS = (dir: string) => ['--data', dir, '--meters', String(METERS), '--history', '0'];

const env = childEnv({ METERSTACK_API_KEY: KEY });
const data = tempDir('durability');
after(async () => {
  await killAll();
  data.remove();
});

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- what is sent: a pure function of the batch number, so any interval can be checked ----------

const meterId = (m: number): string => `SIM${String(m + 1).padStart(6, '0')}`;
const iso = (t: number): string => new Date(t * 1000).toISOString();
const dayOf = (g: number): number => Math.floor(g / PER_DAY);
const halfOf = (g: number): number => g % 2;
/** Batch g's meters are firstMeter(g) … +3; the groups of one half-day are disjoint and cover all. */
const firstMeter = (g: number): number => (dayOf(g) * 3 + Math.floor((g % PER_DAY) / 2) * 4 + halfOf(g) * 2) % METERS;
const batchStart = (g: number): number => BASE + dayOf(g) * DAY + halfOf(g) * HALF;

interface Cell { readonly g: number; readonly value: number; readonly quality: 'A' | 'E' }

/** The batch that carries (meter, interval end), and the value and flag it sends; undefined if none. */
function cellOf(m: number, end: number): Cell | undefined {
  const t = end - Q - BASE;
  if (t < 0) return undefined;
  const day = Math.floor(t / DAY);
  const half = Math.floor((t % DAY) / HALF);
  const r = (m - day * 3 - half * 2 + METERS * 1000) % METERS;
  const g = day * PER_DAY + Math.floor(r / 4) * 2 + half;
  const k = r % 4;
  // Values are unique per (meter, interval); the meter sent as single items flags every 7th E.
  const value = (m + 1) * 10_000_000 + t / Q + 1;
  const quality = k === 3 && (end / Q + m) % 7 === 0 ? 'E' : 'A';
  return { g, value, quality };
}

interface Batch { readonly g: number; readonly body: string; readonly sha256: string; readonly items: number; readonly intervals: number; readonly meters: number[] }

/** Three meters as series items, the fourth as 48 single-interval items. */
function makeBatch(g: number): Batch {
  const start = batchStart(g);
  const meters = [0, 1, 2, 3].map((k) => (firstMeter(g) + k) % METERS);
  const ends = Array.from({ length: HALF / Q }, (_, i) => start + (i + 1) * Q);
  const readings: unknown[] = [];
  // The oracle the checks use must name this batch for each of its intervals.
  for (const m of meters) for (const end of ends) assert.equal(cellOf(m, end)?.g, g, `cellOf(${m}, ${end}) names batch ${g}`);
  meters.forEach((m, k) => {
    if (k === 3) {
      for (const end of ends) {
        const c = cellOf(m, end)!;
        readings.push({ meter: meterId(m), channel: CHANNEL, end: iso(end), intervalS: Q, value: c.value, quality: c.quality });
      }
    } else {
      readings.push({ meter: meterId(m), channel: CHANNEL, start: iso(start), intervalS: Q, values: ends.map((e) => cellOf(m, e)!.value) });
    }
  });
  const body = JSON.stringify({ readings });
  return { g, body, sha256: createHash('sha256').update(body).digest('hex'), items: readings.length, intervals: meters.length * ends.length, meters };
}

// ---- the client ----------------------------------------------------------------------------------

type Fate = { kind: 'acked'; seq: number; sha256: string } | { kind: 'lost'; why: string };

interface IngestAnswer { receipt: { seq: number; sha256: string }; accepted: number; rejected: unknown[]; written: number; unchanged: number; versioned: number }

async function post(url: string, b: Batch): Promise<{ status: number; answer?: IngestAnswer; text: string }> {
  const res = await fetch(`${url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: b.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, text, ...(res.status === 200 ? { answer: JSON.parse(text) as IngestAnswer } : {}) };
}

function checkAnswer(b: Batch, a: IngestAnswer, ctx: string): void {
  assert.equal(a.receipt.sha256, b.sha256, `${ctx}: the receipt hashes the body as sent`);
  assert.deepEqual(a.rejected, [], `${ctx}: nothing refused`);
  assert.equal(a.accepted, b.items, `${ctx}: every item accepted`);
  assert.equal(a.versioned, 0, `${ctx}: no value changed, so no new version`);
  assert.equal(a.written + a.unchanged, b.intervals, `${ctx}: every interval written or already stored`);
}

/** Sends batches with IN_FLIGHT requests open until the server is killed (or all are sent). */
async function sendUntilKilled(server: Server, batches: readonly Batch[], killAfterMs: number, fates: Map<number, Fate>, ctx: string): Promise<void> {
  const failures: string[] = [];
  let next = 0;
  let down = false;
  let killed = false;
  const worker = async (): Promise<void> => {
    while (!down && next < batches.length) {
      const b = batches[next++]!;
      try {
        const r = await post(server.url, b);
        if (r.answer === undefined) {
          fates.set(b.g, { kind: 'lost', why: `HTTP ${r.status}` });
          failures.push(`batch ${b.g}: HTTP ${r.status} ${r.text}`);
          continue;
        }
        checkAnswer(b, r.answer, `${ctx} batch ${b.g}`);
        assert.equal(r.answer.written, b.intervals, `${ctx} batch ${b.g}: the first send writes every interval`);
        fates.set(b.g, { kind: 'acked', seq: r.answer.receipt.seq, sha256: r.answer.receipt.sha256 });
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        fates.set(b.g, { kind: 'lost', why: (e as Error).message });
        if (!killed) failures.push(`batch ${b.g}: ${(e as Error).message}, before the kill`);
        down = true;
      }
    }
  };
  const killer = new Promise<void>((resolve) => setTimeout(() => { killed = true; server.kill('SIGKILL'); resolve(); }, killAfterMs));
  await within(Promise.all([killer, ...Array.from({ length: IN_FLIGHT }, worker)]), 120_000, `${ctx}: the client`);
  // Only the kill may make a request fail: a live server answers every valid batch with 200.
  assert.deepEqual(failures, [], `${ctx}: the live server did not acknowledge batches`);
  const exit = await within(server.exited, 20_000, `${ctx}: the killed server to end`);
  assert.equal(exit.signal, 'SIGKILL', `${ctx}: the server died of the SIGKILL`);
}

// ---- checking what is stored ---------------------------------------------------------------------

interface Stored { value: number; quality: string }
/** What is stored for one meter over [from, to), by interval end; intervals never stored are absent. */
type Reader = (m: number, from: number, to: number) => Promise<Map<number, Stored>>;

/** Through a separate connection to the SQLite store; also checks one version per day block. */
function storeReader(store: ReturnType<typeof openSqliteStore>, problems: string[]): Reader {
  return async (m, from, to) => {
    const out = new Map<number, Stored>();
    const days = new Set<number>();
    for (const v of await store.readVersions(meterId(m), obis(CHANNEL), from, to)) {
      if (days.has(v.day)) problems.push(`${meterId(m)} ${iso(v.day)}: more than one version of the day block`);
      if (v.version !== 1) problems.push(`${meterId(m)} ${iso(v.day)}: version ${v.version}`);
      days.add(v.day);
      const s = v.series;
      for (let i = 0; i < s.values.length; i++) {
        const end = s.start + (i + 1) * s.intervalS;
        const q = qualityFlag(s.quality[i]!);
        if (q !== 'N' && end > from && end <= to) out.set(end, { value: s.values[i]!, quality: q });
      }
    }
    return out;
  };
}

/** Through GET /meters/:id/readings, paged. */
function apiReader(url: string): Reader {
  return async (m, from, to) => {
    const out = new Map<number, Stored>();
    const q = `channel=${encodeURIComponent(CHANNEL)}&from=${iso(from)}&to=${iso(to)}&limit=1000`;
    let cursor: string | null = null;
    let items = 0;
    for (let page = 0; page < 100; page++) {
      const r = await api(url, `/api/v1/meters/${meterId(m)}/readings?${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: KEY });
      assert.equal(r.status, 200, r.text);
      for (const it of r.body.items as { end: string; value: number; quality: string }[]) {
        items++;
        if (it.quality !== 'N') out.set(isoToEpoch(it.end), { value: it.value, quality: it.quality });
      }
      cursor = r.body.next as string | null;
      if (cursor === null) break;
    }
    assert.equal(items, (to - from) / Q, `readings of ${meterId(m)} over [${iso(from)}, ${iso(to)}): one item per interval`);
    return out;
  };
}

interface Window { readonly m: number; readonly from: number; readonly to: number }

/**
 * Every acknowledged interval in the windows is stored with the value and flag sent; a batch whose
 * answer was lost is stored whole or not at all (per window); nothing unsent is stored.
 * Returns, per lost batch seen, whether it was stored.
 */
const SUBSTITUTED: ReadonlySet<string> = new Set(['S', 'F']);

async function judge(read: Reader, windows: readonly Window[], fates: ReadonlyMap<number, Fate>, ctx: string): Promise<Map<number, boolean>> {
  const problems: string[] = [];
  const lost = new Map<number, { here: number; gone: number }>();
  for (const w of windows) {
    const stored = await read(w.m, w.from, w.to);
    for (let end = w.from + Q; end <= w.to; end += Q) {
      const c = cellOf(w.m, end);
      const fate = c && fates.get(c.g);
      // VEE's day close substitutes what never arrived (S/F, or E of another value than sent): that is
      // not a sent reading, so it counts as not stored.
      const raw = stored.get(end);
      const got = raw && (SUBSTITUTED.has(raw.quality) || (raw.quality === 'E' && raw.value !== c?.value)) ? undefined : raw;
      if (c === undefined || fate === undefined) {
        if (got) problems.push(`${meterId(w.m)} ${iso(end)}: never sent, but ${got.value}/${got.quality} is stored`);
        continue;
      }
      if (got && (got.value !== c.value || got.quality !== c.quality)) {
        problems.push(`${meterId(w.m)} ${iso(end)}: ${got.value}/${got.quality} stored, ${c.value}/${c.quality} sent in batch ${c.g}`);
      }
      if (fate.kind === 'acked' && !got) problems.push(`${meterId(w.m)} ${iso(end)}: acknowledged (batch ${c.g}, receipt ${fate.seq}) but not stored`);
      if (fate.kind === 'lost') {
        const t = lost.get(c.g) ?? { here: 0, gone: 0 };
        if (got) t.here++; else t.gone++;
        lost.set(c.g, t);
      }
    }
  }
  for (const [g, t] of lost) {
    if (t.here > 0 && t.gone > 0) problems.push(`batch ${g} (answer lost) is half stored: ${t.here} of ${t.here + t.gone} intervals`);
  }
  assert.deepEqual(problems.slice(0, 20), [], `${ctx}: ${problems.length} problems (seed ${SEED})`);
  return new Map([...lost].map(([g, t]) => [g, t.here > 0]));
}

const dayWindows = (from: number, to: number): Window[] => Array.from({ length: METERS }, (_, m) => ({ m, from, to }));
const batchWindows = (g: number): Window[] => makeBatch(g).meters.map((m) => ({ m, from: batchStart(g), to: batchStart(g) + HALF }));

/** Opens the store from this process, runs `fn`, closes it; fails on any version problem seen. */
async function withStore<T>(fn: (read: Reader) => Promise<T>, ctx: string): Promise<T> {
  const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
  const problems: string[] = [];
  try {
    const out = await fn(storeReader(store, problems));
    assert.deepEqual(problems.slice(0, 20), [], `${ctx}: ${problems.length} day blocks with more than one version (seed ${SEED})`);
    return out;
  } finally {
    await store.close();
  }
}

// ---- the test ------------------------------------------------------------------------------------

test(`SIGKILL at random points never loses or duplicates an acknowledged reading (${RUNS} runs, seed ${SEED})`, { timeout: 900_000 }, async (t) => {
  const rand = prng(SEED);
  const fates = new Map<number, Fate>();
  /** Every acknowledged answer, including re-sends: receipt seq → SHA-256 of the body. */
  const receipts = new Map<number, string>();
  // Two acknowledgements naming one receipt would mean a committed receipt was lost in a crash
  // and its number handed out again.
  const remember = (seq: number, sha256: string, ctx: string): void => {
    assert.ok(!receipts.has(seq), `${ctx}: receipt ${seq} was acknowledged twice`);
    receipts.set(seq, sha256);
  };
  const totals = { acked: 0, lost: 0, lostButStored: 0 };
  /** The days each run touched, and the day after: the final check reads these. */
  const touched: { from: number; to: number }[] = [];
  let server = await startServer(START_ARGS(data.dir), env);
  await server.waitFor(SIM_READY, 60_000);
  assert.match(server.stdout, /simulated fleet: 20 meters/);
  let failed = false;

  for (let run = 0; run < RUNS && !failed; run++) {
    const ctx = `run ${run + 1}/${RUNS}`;
    const g0 = run * MAX_BATCHES;
    const batches = Array.from({ length: MAX_BATCHES }, (_, j) => makeBatch(g0 + j));
    const killAfterMs = Math.round(50 + rand() * 1450);
    const pick = rand();
    failed = true;
    await t.test(`${ctx}: SIGKILL after ${killAfterMs} ms`, async (st) => {
      await sendUntilKilled(server, batches, killAfterMs, fates, ctx);
      const mine = batches.filter((b) => fates.has(b.g));
      const lost = mine.filter((b) => fates.get(b.g)!.kind === 'lost');
      const acked = mine.filter((b) => fates.get(b.g)!.kind === 'acked');
      totals.acked += acked.length;
      totals.lost += lost.length;
      st.diagnostic(`${acked.length} batches acknowledged, ${lost.length} answers lost in the kill`);
      for (const b of acked) {
        const f = fates.get(b.g) as Extract<Fate, { kind: 'acked' }>;
        remember(f.seq, f.sha256, ctx);
      }

      server = await startServer(START_ARGS(data.dir), env);
      await server.waitFor(SIM_READY, 60_000);
      assert.doesNotMatch(server.stdout, /simulated fleet:/, `${ctx}: the restart reuses the fleet`);
      const meters = await api(server.url, '/api/v1/meters?limit=1', { key: KEY });
      assert.equal(meters.body.total, METERS, `${ctx}: the restart keeps the meters`);

      // (1) The store as committed, over every day this run may have touched and the day after.
      const lastEnd = Math.max(batchStart(g0) + DAY, ...mine.map((b) => batchStart(b.g) + HALF));
      const to = Math.ceil(lastEnd / DAY) * DAY + DAY;
      touched.push({ from: batchStart(g0), to });
      const stored = await withStore((read) => judge(read, dayWindows(batchStart(g0), to), fates, `${ctx}, store`), ctx);

      // (2) The API agrees, for every lost batch, a sample of acknowledged ones and the next unsent one.
      const sample = [...lost.map((b) => b.g), g0 + mine.length];
      for (let k = 0; k < Math.min(API_SAMPLE, acked.length); k++) sample.push(acked[Math.floor(((pick + k / API_SAMPLE) % 1) * acked.length)]!.g);
      await judge(apiReader(server.url), sample.flatMap(batchWindows), fates, `${ctx}, API`);

      // (3) Re-send what was not acknowledged: accepted again, as already stored if it had been committed.
      for (const b of lost) {
        const r = await post(server.url, b);
        assert.ok(r.answer, `${ctx}: re-sending batch ${b.g}: HTTP ${r.status} ${r.text}`);
        checkAnswer(b, r.answer, `${ctx}: re-sent batch ${b.g}`);
        const was = stored.get(b.g) ?? false;
        if (was) totals.lostButStored++;
        assert.equal(r.answer.written, was ? 0 : b.intervals, `${ctx}: re-sent batch ${b.g} was ${was ? '' : 'not '}stored before`);
        remember(r.answer.receipt.seq, r.answer.receipt.sha256, ctx);
        fates.set(b.g, { kind: 'acked', seq: r.answer.receipt.seq, sha256: r.answer.receipt.sha256 });
      }

      // (4) A changed value would be archived as a new version with an audit entry: there is none.
      const versions = await api(server.url, '/api/v1/audit?action=interval.version&limit=5', { key: KEY });
      assert.equal(versions.status, 200, versions.text);
      assert.equal(versions.body.total, 0, `${ctx}: an interval got a second version: ${versions.text}`);
      failed = false;
    });
  }
  assert.equal(failed, false, 'a run failed; the later ones were not run on its data');

  const exit = await server.stop('SIGTERM');
  assert.deepEqual(exit, { code: 0, signal: null }, `SIGTERM stops the last server cleanly\n${server.transcript()}`);
  t.diagnostic(`${totals.acked} batches acknowledged, ${totals.lost} answers lost in a kill (${totals.lostButStored} of them committed before it)`);
  assert.ok(totals.acked >= RUNS, 'the client got batches acknowledged');

  await t.test('after the last stop: every batch sent is stored once, every receipt is in the chain, both chains verify', async () => {
    await withStore((read) => judge(read, touched.flatMap((d) => dayWindows(d.from, d.to)), fates, 'final store'), 'final store');
    // …and no day block outside those days.
    const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
    try {
      for (let m = 0; m < METERS; m++) {
        const outside = (await store.readVersions(meterId(m), obis(CHANNEL), BASE, LAST)).filter((v) => !touched.some((d) => v.day >= d.from && v.day < d.to));
        assert.deepEqual(outside.map((v) => iso(v.day)), [], `${meterId(m)}: day blocks nobody sent`);
      }
    } finally {
      await store.close();
    }
    assert.ok([...fates.values()].every((f) => f.kind === 'acked'), 'every batch was acknowledged in the end');

    const db = new Database(join(data.dir, 'meterstack.db'), { readonly: true });
    try {
      const get = db.prepare<[number], { sha256: string }>('SELECT sha256 FROM receipts WHERE seq = ?');
      const missing = [...receipts].filter(([seq, sha]) => get.get(seq)?.sha256 !== sha);
      assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged receipts are not in the chain with the body's hash`);
    } finally {
      db.close();
    }

    const cli = await runCli(['audit', 'verify', '--data', data.dir], env);
    assert.equal(cli.code, 0, `audit verify\n${cli.stdout}${cli.stderr}`);
    assert.match(cli.stdout, /receipts: ok/);
    assert.match(cli.stdout, /audit: ok/);
  });
});
