import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S, obisToBytes } from '../../model/index.ts';
import { DlmsClientConnection, type ClientEvent, type ClientRequest } from '../../protocols/dlms/connection.ts';
import { dataOf } from '../../protocols/dlms/apdu/index.ts';
import { ReplayGuard, SendCounters } from '../../protocols/dlms/security/index.ts';
import { openDlmsTcp, type DlmsTcpConnection } from '../../protocols/dlms/transport-tcp.ts';
import { createFleet } from '../fleet.ts';
import { FleetDataSource } from './data-source.ts';
import { meterKeys } from './keys.ts';
import { LN } from './meter-objects.ts';
import { defaultMeterAddress, startDlmsMeters, type DlmsMeterEndpoint } from './meter-server.ts';

const DAY0 = Date.UTC(2026, 3, 1) / 1000;
const fleet = createFleet({ seed: 'meter-server', meters: 6 });
const source = new FleetDataSource(fleet, { start: DAY0 - DAY_S });
const sink = (): void => {};
const headendCounters = new SendCounters({ sink });

async function exchange(tcp: DlmsTcpConnection, client: DlmsClientConnection, request: ClientRequest): Promise<ClientEvent> {
  let out = client.send(request);
  for (;;) {
    client.receive(await tcp.request(out, { timeoutMs: 2000 }));
    const ev = client.nextEvent();
    assert.ok(ev);
    if (ev.type !== 'transmit') return ev;
    out = ev.apdu;
  }
}

/** A head-end client with HLS-GMAC + authenticated-encrypted and the meter's own keys. */
function clientFor(ep: DlmsMeterEndpoint, sendCounters: SendCounters): DlmsClientConnection {
  const k = meterKeys(fleet.seed, ep.meterId);
  return new DlmsClientConnection({
    clientSystemTitle: Uint8Array.from(Buffer.from('4D53480000000077', 'hex')), serverSystemTitle: ep.systemTitle,
    mechanism: 'hls-gmac', securityPolicy: 'authenticated-encrypted', keys: { ek: k.ek, ak: k.ak },
    sendCounters, replayGuard: new ReplayGuard({ sink }),
  });
}

/** Associates as `clientFor` allows, runs `body`, releases. */
async function session(ep: DlmsMeterEndpoint, body: (ask: (r: ClientRequest) => Promise<ClientEvent>) => Promise<void>): Promise<void> {
  const tcp = await openDlmsTcp({ host: ep.host, port: ep.port, clientWPort: 1, serverWPort: 1, connectTimeoutMs: 2000 });
  try {
    const client = clientFor(ep, headendCounters);
    const ask = (r: ClientRequest): Promise<ClientEvent> => exchange(tcp, client, r);
    assert.equal((await ask({ type: 'associate' })).type, 'associated');
    await body(ask);
    assert.equal((await ask({ type: 'release' })).type, 'released');
  } finally {
    await tcp.close();
  }
}

test('defaultMeterAddress spreads the meter index over 127.10.x.y', () => {
  assert.equal(defaultMeterAddress(0), '127.10.0.1');
  assert.equal(defaultMeterAddress(255), '127.10.1.0');
  assert.equal(defaultMeterAddress(9999), '127.10.39.16');
  assert.throws(() => defaultMeterAddress(70_000), RangeError);
});

test('shared-address mode: one address, a port per meter; GET, ACTION with decoded parameters, stop and start', async () => {
  const meters = await startDlmsMeters({ fleet, source, addressOf: () => '127.0.0.1', port: 0, clock: () => DAY0 });
  try {
    const eps = [...meters.endpoints.values()];
    assert.equal(eps.length, fleet.meters.length);
    assert.equal(new Set(eps.map((e) => e.port)).size, eps.length);
    const ep = eps[2]!;
    await session(ep, async (ask) => {
      const serial = await ask({ type: 'get', attribute: { classId: 1, logicalName: obisToBytes(LN.serial), attributeId: 2 } });
      assert.ok(serial.type === 'response' && 'data' in serial);
      assert.deepEqual(dataOf(serial.data), { type: 'octet-string', value: Uint8Array.from(Buffer.from(ep.meterId, 'latin1')) });
      const disconnect = await ask({ type: 'action', method: { classId: 70, logicalName: obisToBytes(LN.disconnect), methodId: 1 }, parameters: { type: 'integer', value: 0 } });
      assert.ok(disconnect.type === 'action-result');
      assert.equal(disconnect.result, 'success');
      const state = await ask({ type: 'get', attribute: { classId: 70, logicalName: obisToBytes(LN.disconnect), attributeId: 3 } });
      assert.ok(state.type === 'response' && 'data' in state);
      assert.deepEqual(dataOf(state.data), { type: 'enum', value: 0 });
      const refused = await ask({ type: 'action', method: { classId: 70, logicalName: obisToBytes(LN.disconnect), methodId: 1 }, parameters: { type: 'visible-string', value: 'x' } });
      assert.ok(refused.type === 'action-result');
      assert.equal(refused.result, 'type-unmatched');
    });
    assert.equal(meters.associations(ep.meterId), 1);

    await meters.stop(ep.meterId);
    assert.equal(meters.isRunning(ep.meterId), false);
    await assert.rejects(openDlmsTcp({ host: ep.host, port: ep.port, clientWPort: 1, serverWPort: 1, connectTimeoutMs: 2000 }), { code: 'DLMS_TRANSPORT_REFUSED' });
    await meters.start(ep.meterId);
    // same address and port; the meter's counters and replay guard survived the restart
    await session(ep, async () => {});
    assert.equal(meters.associations(ep.meterId), 2);
  } finally {
    await meters.close();
  }
});

test('exported state survives a restart of the whole fleet: the restarted meter still refuses old counters', async () => {
  const opts = { fleet, source, addressOf: () => '127.0.0.1', port: 0, clock: () => DAY0, meterIds: [fleet.meters[4]!.id] };
  const first = await startDlmsMeters(opts);
  const ep = first.endpoints.get(fleet.meters[4]!.id)!;
  let state;
  try {
    await session(ep, async () => {});
    state = first.exportState();
    const saved = state.meters[ep.meterId]!;
    assert.ok(Object.values(saved.sendCounters.lastUsed)[0]! > 0, 'the meter sent ciphered frames');
    assert.ok(Object.values(saved.replayGuard.lastAccepted)[0]! > 0, 'the meter accepted ciphered frames');
  } finally {
    await first.close();
  }
  const events: string[] = [];
  const again = await startDlmsMeters({ ...opts, state, onSecurityEvent: (_id, e) => events.push(e.type) });
  try {
    const ep2 = again.endpoints.get(ep.meterId)!;
    // A head-end that forgot its counters (starts at 1 again) is refused as a replay.
    const tcp = await openDlmsTcp({ host: ep2.host, port: ep2.port, clientWPort: 1, serverWPort: 1, connectTimeoutMs: 2000 });
    try {
      const client = clientFor(ep2, new SendCounters({ sink }));
      const ev = await exchange(tcp, client, { type: 'associate' }).catch((e: unknown) => ({ type: 'failed', e }));
      assert.notEqual(ev.type, 'associated');
    } finally {
      await tcp.close();
    }
    assert.ok(events.includes('dlms.security.replay-rejected'), events.join());
    // The head-end that kept its counters gets in.
    await session(ep2, async () => {});
  } finally {
    await again.close();
  }
});
