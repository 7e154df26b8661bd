import { test } from 'node:test';
import assert from 'node:assert/strict';
import { obis } from '../model/obis.ts';
import { SimCoapDevice } from '../sim/coap/index.ts';
import { KEY1, KEY2, coapRig } from './coap-ingest.fixture.ts';
import type { CoapOutcome } from './coap-ingest.ts';
import { observeDevice } from './coap-observe.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';

const PARTS = { openSqliteStore, createPipeline };

const T0 = 1795687200; // 2026-11-26T10:00:00Z
const CH = obis('1-0:1.8.0');
const reading = (k: number, wh: number) => ({ schema: 'channels/2', meter: 'SIM000001', channels: [{ obis: '1-0:1.8.0', unit: 'Wh', interval: 900, end: T0 + (k + 1) * 900, values: [wh] }] });

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('observe: every notification of an observed device is stored; deregistration stops them', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  const device = await SimCoapDevice.start({ meterId: 'SIM000001', key: KEY1, initial: reading(0, 100) });
  const outcomes: CoapOutcome[] = [];
  try {
    const obs = await observeDevice(rig.coap, { meterId: 'SIM000001', host: device.host, port: device.port }, { onOutcome: (o) => outcomes.push(o) });
    assert.equal(device.observers, 1);
    for (let k = 1; k <= 3; k++) {
      assert.equal(device.notify(reading(k, 100 + k)), 1);
      await until(`notification ${k}`, () => outcomes.length === k + 1);
    }
    await obs.settled();
    assert.deepEqual(outcomes.map((o) => o.kind), ['stored', 'stored', 'stored', 'stored']);
    assert.deepEqual([...(await rig.store.readSeries('SIM000001', CH, T0, T0 + 3600)).values], [100, 101, 102, 103]);
    const receipts = await rig.store.listReceipts({ limit: 10 });
    assert.deepEqual(receipts.items.map((r) => r.source), Array(4).fill('coap-observe:SIM000001'));

    await obs.cancel();
    await until('the device to drop its observer', () => device.observers === 0);
    assert.equal(device.notify(reading(4, 104)), 0);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(outcomes.length, 4);
    assert.equal((await rig.store.listReceipts({ limit: 10 })).total, 4);
  } finally {
    await device.close();
    await rig.close();
  }
});

test('observe: notifications signed with another key are refused and audited, not stored', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  const device = await SimCoapDevice.start({ meterId: 'SIM000001', key: KEY2, initial: reading(0, 100), encoding: 'cbor' });
  const outcomes: CoapOutcome[] = [];
  try {
    const obs = await observeDevice(rig.coap, { meterId: 'SIM000001', host: device.host, port: device.port }, { onOutcome: (o) => outcomes.push(o) });
    device.notify(reading(1, 101));
    await until('two notifications', () => outcomes.length === 2);
    await obs.cancel();
    assert.deepEqual(outcomes.map((o) => o.kind), ['unauthorized', 'unauthorized']);
    assert.equal((await rig.store.listReceipts({ limit: 10 })).total, 0);
    await rig.coap.flush();
    assert.equal((await rig.store.listAudit({ action: 'coap.auth-failed' }, { limit: 5 })).items[0]?.object, 'meter/SIM000001');
  } finally {
    await device.close();
    await rig.close();
  }
});

test('observe: a device that does not answer fails with COAP_OBSERVE_FAILED within the timeout', { timeout: 20_000 }, async () => {
  const rig = await coapRig(PARTS);
  const device = await SimCoapDevice.start({ meterId: 'SIM000001', key: KEY1, initial: reading(0, 1) });
  const port = device.port;
  await device.close(); // nothing listens there any more
  try {
    await assert.rejects(observeDevice(rig.coap, { meterId: 'SIM000001', host: '127.0.0.1', port }, { timeoutMs: 300 }), (e: Error & { code?: string }) => e.code === 'COAP_OBSERVE_FAILED');
  } finally {
    await rig.close();
  }
});
