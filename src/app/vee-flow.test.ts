import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_S, localDateStart, obis, QUALITY, type IntervalSeries } from '../model/index.ts';
import { loadConfig } from './config.ts';
import { openPlatform } from './platform.ts';

// The composition root's VEE flow: what the pipeline commits is validated in the background, and
// what is still queued at shutdown is validated after the next start.
const ZONE = 'Europe/Amsterdam';
const FIRST = localDateStart('2026-03-01', ZONE);
const NOW = FIRST + 16 * DAY_S;
const CH = obis('1-0:1.8.0');
const shape = (i: number): number => 20 + 10 * ((i % 96) >> 3);

function days(meterId: string, from: number, n: number, spikeAt?: number): IntervalSeries {
  const values = Float64Array.from({ length: n * 96 }, (_, i) => shape(i));
  if (spikeAt !== undefined) values[spikeAt] = 9000;
  return { meterId, channel: CH, start: from, intervalS: 900, values, quality: new Uint8Array(n * 96).fill(QUALITY.A) };
}

test('every committed day is validated after the ack; the backlog survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-vee-flow-'));
  const config = loadConfig({ data: dir, sim: false, mqtt: false, coap: false }, {});
  try {
    let p = await openPlatform(config, { now: () => NOW });
    await p.store.upsertMeters(['M1', 'M2'].map((id) => ({ id, kind: 'electricity', timeZone: ZONE, status: 'active' }) as const));
    // Two weeks of history in one message (one VEE run per channel), then a day with a spike.
    await p.ingest.submitDecoded({ source: 'test', series: [days('M1', FIRST, 14), days('M2', FIRST, 14)] });
    const r = await p.ingest.submitDecoded({ source: 'test', series: [days('M1', FIRST + 14 * DAY_S, 1, 40)] });
    assert.equal(r.written, 96, 'the ack carries the pipeline\'s own counts');
    await p.vee.idle();
    const s = await p.store.readSeries('M1', CH, FIRST + 14 * DAY_S + 40 * 900, FIRST + 14 * DAY_S + 41 * 900);
    assert.notEqual(s.quality[0], QUALITY.A, 'the spike was substituted');
    assert.ok(s.values[0]! < 9000);
    assert.ok((await p.store.listExceptions({ rule: 'spike' }, { limit: 10 })).total >= 1);
    assert.equal(p.vee.stats().failed, 0);
    // Timeliness from the first arrival of each interval, all received at NOW (FIRST + 16 days): of
    // the 14th day only its last interval (exactly 48 h late) is within 48 h, of the 15th all.
    const q = await p.services.veeQuality.report({ from: FIRST + 13 * DAY_S, to: FIRST + 15 * DAY_S, meterId: 'M1', withinH: 48 });
    assert.deepEqual(q.days.map((d) => [d.date, d.arrived, d.onTime]), [['2026-03-14', 96, 1], ['2026-03-15', 96, 96]]);
    assert.equal(q.total.timeliness, 97 / 192);
    await p.ingest.submitDecoded({ source: 'test', series: [days('M1', FIRST + 14 * DAY_S, 1)] });
    await p.vee.idle();
    const again = await p.services.veeQuality.report({ from: FIRST + 14 * DAY_S, to: FIRST + 15 * DAY_S, meterId: 'M1', withinH: 48 });
    assert.equal(again.total.onTime, 96, 'a re-sent interval keeps its first arrival');
    // A day committed just before shutdown: not validated yet, remembered.
    await p.ingest.submitDecoded({ source: 'test', series: [days('M2', FIRST + 14 * DAY_S, 1, 50)] });
    await p.close();
    p = await openPlatform(config, { now: () => NOW });
    await p.vee.idle();
    const s2 = await p.store.readSeries('M2', CH, FIRST + 14 * DAY_S + 50 * 900, FIRST + 14 * DAY_S + 51 * 900);
    assert.notEqual(s2.quality[0], QUALITY.A, 'validated after the restart');
    await p.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
