import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, childEnv, killAll, sleep, startServer, tempDir } from './process.ts';

after(killAll);

const KEY = 'msk_e2e-dlms-live-key-0123456789';
const METERS = 12;

interface Receipt { source: string; receivedAt: string }

/** Every receipt of a DLMS read, oldest first (bounded: at most 20 pages). */
async function dlmsReceipts(url: string): Promise<Receipt[]> {
  const out: Receipt[] = [];
  let cursor: string | null = '';
  for (let page = 0; page < 20 && cursor !== null; page++) {
    const r = await api(url, `/api/v1/receipts?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: KEY });
    assert.equal(r.status, 200);
    out.push(...(r.body.items as Receipt[]).filter((x) => x.source.startsWith('dlms:')));
    cursor = r.body.next;
  }
  return out;
}

async function waitForReads(url: string, atLeast: number): Promise<Receipt[]> {
  let got: Receipt[] = [];
  // Bounded: at ×1800 a quarter-hour passes every 0.5 s; give the head-end a few rounds.
  for (let i = 0; i < 80 && got.length < atLeast; i++) {
    await sleep(500);
    got = await dlmsReceipts(url);
  }
  assert.ok(got.length >= atLeast, `expected ${atLeast} receipts from DLMS reads, got ${got.length}`);
  return got;
}

test('meterstack start reads the simulated fleet over DLMS/TCP with suite 0 by default, and resumes after a restart without gaps or replays', { timeout: 180_000 }, async () => {
  const data = tempDir('meterstack-e2e-dlms-');
  const args = ['--data', data.dir, '--meters', String(METERS), '--history', '1', '--speed', '1800'];
  try {
    let server = await startServer(args, childEnv({ METERSTACK_API_KEY: KEY }));
    await server.waitFor(new RegExp(`dlms: ${METERS} simulated meters listening on 127\\.10\\.x\\.y:\\d+`), 60_000);
    const before = await waitForReads(server.url, 2 * METERS);
    assert.equal(new Set(before.map((x) => x.source)).size, METERS, 'every meter was read');
    assert.equal((await server.stop('SIGTERM')).code, 0, server.stderr);

    // Both sides kept their security state and the head-end its cursors.
    const headend = JSON.parse(readFileSync(join(data.dir, 'dlms-headend.json'), 'utf8'));
    assert.equal(Object.keys(headend.scheduler.cursors).length, METERS);
    assert.ok(existsSync(join(data.dir, 'sim-dlms-meters.json')));
    const stoppedAt = Math.max(...Object.values(headend.scheduler.cursors as Record<string, { profileThrough: number }>).map((c) => c.profileThrough));

    // Down for a while (≈ 1.5 simulated hours), then up again.
    await sleep(3000);
    server = await startServer(args, childEnv({ METERSTACK_API_KEY: KEY }));
    await server.waitFor(/dlms: \d+ simulated meters listening/, 60_000);
    await waitForReads(server.url, before.length + 2 * METERS);

    // The downtime was read from the meters' profiles: meter 1's intervals across it are complete and actual.
    const from = new Date((stoppedAt - 3600) * 1000).toISOString();
    const to = new Date((stoppedAt + 2 * 3600) * 1000).toISOString();
    const r = await api(server.url, `/api/v1/meters/SIM000001/readings?channel=1-0:1.8.0&from=${from}&to=${to}&limit=100`, { key: KEY });
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 12, JSON.stringify(r.body.items.map((x: { end: string }) => x.end)));
    assert.ok(r.body.items.every((x: { quality: string }) => x.quality === 'A'), JSON.stringify(r.body.items));

    // No frame was refused as a replay on either side.
    const audit = await api(server.url, '/api/v1/audit?action=dlms.security.replay-rejected', { key: KEY });
    assert.equal(audit.status, 200);
    assert.equal(audit.body.total, 0, JSON.stringify(audit.body.items));
    assert.equal((await server.stop('SIGTERM')).code, 0, server.stderr);
  } finally {
    data.remove();
  }
});
