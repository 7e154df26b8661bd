import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, childEnv, killAll, sleep, startServer, tempDir } from './process.ts';

after(killAll);

const KEY = 'msk_e2e-dlms-live-key-0123456789';

test('meterstack start --dlms: live data is read from the simulated meters over DLMS/TCP with suite 0', { timeout: 120_000 }, async () => {
  const data = tempDir('meterstack-e2e-dlms-');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = await startServer(['--data', data.dir, '--meters', '12', '--history', '1', '--speed', '1800', '--dlms', '--dlms-port', String(port)], childEnv({ METERSTACK_API_KEY: KEY }));
  try {
    await server.waitFor(/dlms: 12 simulated meters listening on 127\.10\.x\.y:\d+/, 60_000);
    // Bounded: at ×1800 a quarter-hour passes every 0.5 s; give the head-end a few rounds.
    let dlms: { source: string; receivedAt: string }[] = [];
    for (let i = 0; i < 60 && dlms.length < 24; i++) {
      await sleep(500);
      const r = await api(server.url, '/api/v1/receipts?limit=100', { key: KEY });
      assert.equal(r.status, 200);
      const last = await api(server.url, `/api/v1/receipts?limit=100&cursor=${encodeURIComponent(r.body.next ?? '')}`, { key: KEY }).catch(() => r);
      dlms = [...r.body.items, ...(r.body.next ? last.body.items : [])].filter((x: { source: string }) => x.source.startsWith('dlms:'));
    }
    assert.ok(dlms.length >= 24, `expected receipts from DLMS reads, got ${dlms.length}`);
    assert.ok(new Set(dlms.map((x) => x.source)).size === 12, 'every meter was read');
    // What the head-end read continues the history without a gap: the last hour of meter 1 is complete.
    const meter = 'SIM000001';
    const m = await api(server.url, `/api/v1/meters/${meter}`, { key: KEY });
    assert.equal(m.status, 200);
    const until = new Date(Date.parse(dlms[dlms.length - 1]!.receivedAt));
    const hourEnd = new Date(Math.floor(until.getTime() / 900_000) * 900_000);
    const from = new Date(hourEnd.getTime() - 3_600_000).toISOString();
    const r = await api(server.url, `/api/v1/meters/${meter}/readings?channel=1-0:1.8.0&from=${from}&to=${hourEnd.toISOString()}`, { key: KEY });
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 4);
    assert.ok(r.body.items.every((x: { quality: string }) => x.quality === 'A'), JSON.stringify(r.body.items));
    const exit = await server.stop('SIGTERM');
    assert.equal(exit.code, 0, server.stderr);
  } finally {
    data.remove();
  }
});
