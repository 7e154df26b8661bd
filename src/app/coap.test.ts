import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCode, obis } from '../model/index.ts';
import { SimCoapDevice } from '../sim/coap/index.ts';
import { startCoap } from './coap.ts';
import { loadConfig, parseCoapObserve } from './config.ts';
import { openPlatform, type Platform } from './platform.ts';

const T0 = 1795687200; // 2026-11-26T10:00:00Z
const NOW = T0 + 7200;
const KEY = '00112233445566778899aabbccddeeff';

async function withPlatform(env: Record<string, string>, fn: (p: Platform, dir: string, logs: string[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-app-coap-'));
  const p = await openPlatform(loadConfig({ data: dir }, { ...env }), { now: () => NOW });
  await p.store.upsertMeters([{ id: 'SIM000001', kind: 'electricity', timeZone: 'Europe/Amsterdam', status: 'active' }]);
  try {
    await fn(p, dir, []);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function holdUdpPort(): Promise<{ port: number; close(): Promise<void> }> {
  const s = createSocket({ type: 'udp4', reuseAddr: false });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, close: () => new Promise((r) => s.close(() => r())) };
}

test('config: COAP_PORT, --no-coap and --coap-observe', () => {
  const c = loadConfig({}, { COAP_PORT: '15700' });
  assert.deepEqual([c.coap, c.coapHost, c.coapPort, c.coapPortExplicit], [true, '127.0.0.1', 15700, true]);
  assert.deepEqual([loadConfig({}, {}).coapPort, loadConfig({}, {}).coapPortExplicit], [5683, false]);
  assert.equal(loadConfig({ coap: false }, {}).coap, false);
  assert.equal(loadConfig({}, { METERSTACK_COAP: '0' }).coap, false);
  assert.deepEqual(parseCoapObserve('SIM000001@127.0.0.1:5684, SIM000002@[::1]:5685/r/x'), [
    { meterId: 'SIM000001', host: '127.0.0.1', port: 5684, path: '/readings' },
    { meterId: 'SIM000002', host: '::1', port: 5685, path: '/r/x' },
  ]);
  assert.throws(() => parseCoapObserve('SIM000001:5684'), (e) => hasCode(e, 'CONFIG_INVALID') && /meterId@host:port/.test(e.message));
  assert.throws(() => loadConfig({ coapPort: 'x' }, {}), (e) => hasCode(e, 'CONFIG_INVALID') && /--coap-port \/ COAP_PORT/.test(e.message));
});

test('a taken CoAP port: explicit → PORT_IN_USE naming the port and the flag; default → falls back and says so', { timeout: 20_000 }, async () => {
  const held = await holdUdpPort();
  try {
    await withPlatform({ COAP_PORT: String(held.port) }, async (p) => {
      await assert.rejects(startCoap(p, () => NOW, () => undefined), (e) => hasCode(e, 'PORT_IN_USE')
        && e.message.includes(`CoAP UDP port ${held.port}`) && /--coap-port N or COAP_PORT=N/.test(e.message));
    });
    await withPlatform({}, async (p) => {
      const logs: string[] = [];
      const fallback = await startCoap({ ...p, config: { ...p.config, coapPort: held.port } }, () => NOW, (m) => logs.push(m));
      try {
        assert.notEqual(fallback.port, held.port);
        assert.match(logs.join('\n'), new RegExp(`UDP port ${held.port} on 127\\.0\\.0\\.1 is already taken.*listens on ${fallback.port} instead.*--coap-port`));
      } finally {
        await fallback.close();
      }
    });
  } finally {
    await held.close();
  }
});

test('start observes the devices of --coap-observe with the keys of coap-keys.json', { timeout: 20_000 }, async () => {
  const device = await SimCoapDevice.start({ meterId: 'SIM000001', key: Buffer.from(KEY, 'hex'), initial: { fmt: 'obis-flat', v: 1, ts: T0, '1-0:1.8.0': 1.5 } });
  try {
    await withPlatform({ COAP_PORT: '0', METERSTACK_COAP_OBSERVE: `SIM000001@127.0.0.1:${device.port}` }, async (p, dir) => {
      writeFileSync(join(dir, 'coap-keys.json'), JSON.stringify({ devices: { SIM000001: KEY } }));
      const logs: string[] = [];
      const coap = await startCoap(p, () => NOW, (m) => logs.push(m));
      try {
        const end = Date.now() + 5000;
        const registers = async () => p.store.readRegisters('SIM000001', obis('1-0:1.8.0'), T0, T0 + 3600);
        while ((await registers()).length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
        device.notify({ fmt: 'obis-flat', v: 1, ts: T0 + 900, '1-0:1.8.0': 1.75 });
        while ((await registers()).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual((await registers()).map((r) => [r.at, r.value]), [[T0, 1500], [T0 + 900, 1750]]);
        assert.match(logs.join('\n'), /coap: observing coap:\/\/127\.0\.0\.1:\d+\/readings \(SIM000001\)/);
        assert.match(logs.join('\n'), /1 device key\(s\)/);
      } finally {
        await coap.close();
      }
      assert.equal(device.observers, 0, 'deregistered on close');
    });
  } finally {
    await device.close();
  }
});
