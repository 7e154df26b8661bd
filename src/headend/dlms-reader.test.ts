import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DAY_S } from '../model/index.ts';
import { decodeApdu } from '../protocols/dlms/apdu/index.ts';
import { encodeWrapper, WrapperReader } from '../protocols/dlms/framing/wrapper.ts';
import { ReplayGuard, SendCounters, SoftwareKeyStore, type SecurityEvent } from '../protocols/dlms/security/index.ts';
import { createFleet, FleetDataSource, FleetSimulator, fleetKeyStoreData, OBIS_EXPORT, OBIS_IMPORT } from '../sim/index.ts';
import { startDlmsMeters, type DlmsMeterFleet } from '../sim/dlms/meter-server.ts';
import { DlmsReader, initialCursor, LOAD_PROFILE, type DlmsReaderOptions, type MeterTarget } from './dlms-reader.ts';
import { isHeadendError } from './errors.ts';

const DAY0 = Date.UTC(2026, 5, 10) / 1000;
const COMMISSIONED = DAY0 - DAY_S;
const fleet = createFleet({ seed: 'headend-reader', meters: 40 });
const source = new FleetDataSource(fleet, { start: COMMISSIONED });
const sim = new FleetSimulator(fleet, { start: COMMISSIONED }).intervalsBetween(COMMISSIONED, DAY0 + DAY_S);
const HEADEND_TITLE = Uint8Array.from(Buffer.from('4D5348000000000A', 'hex'));
// three meters, one with PV (so it captures export too)
const pvMeter = fleet.profiles.find((p) => p.pv !== null)!.meterId;
const ids = [...new Set([fleet.meters[0]!.id, fleet.meters[1]!.id, pvMeter])];
let now = DAY0 + DAY_S;
let meters: DlmsMeterFleet;
const securityEvents: { meterId: string; event: SecurityEvent }[] = [];

// The head-end's counters live as long as the head-end: a meter refuses a counter it has seen.
const sink = (): void => {};
const headendCounters = new SendCounters({ sink });

function readerOptions(extra: Partial<DlmsReaderOptions> = {}): DlmsReaderOptions {
  return {
    keyStore: SoftwareKeyStore.fromJSON(fleetKeyStoreData(fleet)),
    clientSystemTitle: HEADEND_TITLE,
    sendCounters: headendCounters,
    replayGuard: new ReplayGuard({ sink }),
    now: () => now,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    ...extra,
  };
}

function target(meterId: string): MeterTarget {
  const { host, port } = meters.endpoints.get(meterId)!;
  return { meterId, host, port };
}

/** The simulator's values of one channel, interval by interval, from `from` (interval start) for `n` intervals. */
function simValues(meterId: string, channel: string, from: number, n: number): number[] {
  const out = new Array<number>(n).fill(NaN);
  for (const s of sim.series) {
    if (s.meterId !== meterId || s.channel !== channel) continue;
    s.values.forEach((v, j) => {
      const i = (s.start + j * s.intervalS - from) / s.intervalS;
      if (i >= 0 && i < n) out[i] = v;
    });
  }
  return out;
}

before(async () => {
  meters = await startDlmsMeters({
    fleet, source, meterIds: ids, port: 0, clock: () => now,
    onSecurityEvent: (meterId, event) => securityEvents.push({ meterId, event }),
  });
});
after(async () => {
  await meters.close();
});

test('every meter gets its own 127.10.x.y address and its system title', () => {
  assert.equal(meters.endpoints.size, ids.length);
  const hosts = new Set([...meters.endpoints.values()].map((e) => e.host));
  assert.equal(hosts.size, ids.length);
  for (const e of meters.endpoints.values()) {
    assert.match(e.host, /^127\.10\.\d+\.\d+$/);
    assert.ok(e.port > 0);
    assert.equal(e.systemTitle.length, 8);
  }
});

test('interop: HLS-GMAC + authenticated-encrypted read of the last day equals the simulator exactly', async () => {
  now = DAY0 + DAY_S;
  const reader = new DlmsReader(readerOptions());
  for (const meterId of ids) {
    const r = await reader.read(target(meterId), initialCursor(DAY0));
    const imp = r.series.find((s) => s.channel === OBIS_IMPORT);
    assert.ok(imp, `${meterId}: import series`);
    assert.equal(imp.start, DAY0);
    assert.equal(imp.intervalS, 900);
    assert.deepEqual([...imp.values], simValues(meterId, OBIS_IMPORT, DAY0, 96), `${meterId} import`);
    assert.ok([...imp.quality].every((q) => q === imp.quality[0]), 'uniform quality');
    if (meterId === pvMeter) {
      const exp = r.series.find((s) => s.channel === OBIS_EXPORT);
      assert.ok(exp, 'the PV meter reports export');
      assert.deepEqual([...exp.values], simValues(meterId, OBIS_EXPORT, DAY0, 96));
    }
    // registers at read time equal the simulator's registers at the end of the day
    const regImp = r.registers.find((x) => x.channel === OBIS_IMPORT)!;
    const simImp = sim.registers.find((x) => x.meterId === meterId && x.channel === OBIS_IMPORT && x.at === DAY0 + DAY_S)!;
    assert.equal(regImp.value, simImp.value);
    assert.equal(regImp.at, now);
    // events of the day, as the simulator has them
    const simEvents = sim.events.filter((e) => e.meterId === meterId && e.at > DAY0 && e.at <= DAY0 + DAY_S).map((e) => [e.at, e.code]);
    assert.deepEqual(r.events.map((e) => [e.at, e.code]), simEvents);
    // the next cursor: the last row, with its registers
    assert.equal(r.next.profileThrough, DAY0 + DAY_S);
    assert.equal(r.next.eventsThrough, DAY0 + DAY_S);
    assert.ok(r.next.registers.some((x) => x.channel === OBIS_IMPORT && x.value === simImp.value));
    assert.ok(r.stats.released);
    // AARQ, HLS pass 3, two GET-with-list for the profile description, one for the data, RLRQ
    assert.equal(r.stats.requests, 6);
    assert.equal(r.stats.rttMs.length, r.stats.requests);
    assert.ok(reader.hasProfileMeta(meterId));
  }
});

test('a second read from the cursor continues with a delta for the first row and no overlap', async () => {
  const meterId = ids[0]!;
  const reader = new DlmsReader(readerOptions());
  now = DAY0 + 12 * 3600;
  const first = await reader.read(target(meterId), initialCursor(DAY0));
  now = DAY0 + DAY_S;
  const second = await reader.read(target(meterId), first.next);
  const a = first.series.find((s) => s.channel === OBIS_IMPORT)!;
  const b = second.series.find((s) => s.channel === OBIS_IMPORT)!;
  assert.equal(a.start, DAY0);
  assert.equal(a.values.length, 48);
  assert.equal(b.start, DAY0 + 12 * 3600, 'the second read starts where the first ended');
  assert.equal(b.values.length, 48);
  assert.deepEqual([...a.values, ...b.values], simValues(meterId, OBIS_IMPORT, DAY0, 96));
  assert.ok(!second.issues.some((i) => i.kind === 'no-anchor'), 'the previous register anchors the first row');
  // nothing new: no rows, the cursor stays
  const third = await reader.read(target(meterId), second.next);
  assert.equal(third.series.length, 0);
  assert.deepEqual(third.next, second.next);
});

test('a wrong key fails with a typed error at association', async () => {
  const data = fleetKeyStoreData(fleet);
  const meterId = ids[1]!;
  const mk = data.meters.find((m) => m.meterId === meterId)!;
  const keyStore = SoftwareKeyStore.fromJSON({ ...data, keys: { ...data.keys, [mk.ek]: '00112233445566778899AABBCCDDEEFF' } });
  const reader = new DlmsReader(readerOptions({ keyStore }));
  await assert.rejects(reader.read(target(meterId), initialCursor(DAY0)), (err: unknown) => {
    assert.ok(isHeadendError(err), String(err));
    assert.equal(err.stage, 'associate');
    assert.equal(err.meterId, meterId);
    assert.equal(err.code, 'DLMS_SECURITY_BAD_TAG');
    return true;
  });
  // so does a head-end whose counter went back (not persisted): the meter remembers what it accepted
  const amnesic = new DlmsReader(readerOptions({ sendCounters: new SendCounters({ sink }) }));
  await assert.rejects(amnesic.read(target(meterId), initialCursor(DAY0)), (err: unknown) => isHeadendError(err) && err.code === 'DLMS_SECURITY_BAD_TAG');
  // the right key still works afterwards
  const ok = await new DlmsReader(readerOptions()).read(target(meterId), initialCursor(DAY0 + DAY_S - 3600));
  assert.equal(ok.series.find((s) => s.channel === OBIS_IMPORT)?.values.length, 4);
});

test('a closed port fails with a typed connect error', async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  const reader = new DlmsReader(readerOptions());
  await assert.rejects(reader.read({ meterId: ids[0]!, host: '127.0.0.1', port }, initialCursor(DAY0)), (err: unknown) => {
    assert.ok(isHeadendError(err));
    assert.equal(err.stage, 'connect');
    assert.equal(err.code, 'DLMS_TRANSPORT_REFUSED');
    return true;
  });
});

/** Sends wrapper PDUs on a fresh raw TCP connection, one at a time, and collects the answers. */
async function rawExchange(host: string, port: number, apdus: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const reader = new WrapperReader();
  const answers: Uint8Array[] = [];
  try {
    for (const apdu of apdus) {
      socket.write(encodeWrapper({ sourceWPort: 1, destinationWPort: 1, apdu }));
      const answer = await new Promise<Uint8Array>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
        const onData = (chunk: Buffer): void => {
          reader.push(chunk);
          const pdu = reader.next();
          if (pdu === undefined) return;
          clearTimeout(timer);
          socket.off('data', onData);
          resolve(pdu.apdu);
        };
        socket.on('data', onData);
      });
      answers.push(answer);
    }
  } finally {
    socket.destroy();
  }
  return answers;
}

test('a captured request frame replayed on a new raw TCP connection is refused (DLMS_SECURITY_REPLAY)', async () => {
  const meterId = ids[2]!;
  const sent: Uint8Array[] = [];
  const reader = new DlmsReader(readerOptions({ tap: (_m, dir, apdu) => { if (dir === 'tx') sent.push(Uint8Array.from(apdu)); } }));
  now = DAY0 + DAY_S;
  await reader.read(target(meterId), initialCursor(DAY0 + DAY_S - 3600));
  assert.equal(decodeApdu(sent[0]!).type, 'aarq');
  const ep = meters.endpoints.get(meterId)!;
  const before = securityEvents.length;
  // the AARQ (ciphered InitiateRequest) replayed: its invocation counter was accepted already
  const [aare] = await rawExchange(ep.host, ep.port, [sent[0]!]);
  const decoded = decodeApdu(aare!);
  assert.equal(decoded.type, 'aare');
  assert.notEqual(decoded.type === 'aare' ? decoded.result : 'accepted', 'accepted');
  const replays = securityEvents.slice(before).filter((e) => e.meterId === meterId);
  assert.equal(replays.length, 1);
  assert.equal(replays[0]!.event.code, 'DLMS_SECURITY_REPLAY');
  assert.equal(replays[0]!.event.type, 'dlms.security.replay-rejected');
  // a fresh read still works: the head-end's counters moved on
  const again = await reader.read(target(meterId), initialCursor(DAY0 + DAY_S - 3600));
  assert.ok(again.stats.released);
});

test('the profile description is read once per meter and cached', async () => {
  const meterId = ids[0]!;
  const gets: number[] = [];
  const reader = new DlmsReader(readerOptions({ tap: (_m, dir) => { if (dir === 'tx') gets.push(1); } }));
  await reader.read(target(meterId), initialCursor(DAY0));
  const firstRequests = gets.length;
  gets.length = 0;
  await reader.read(target(meterId), initialCursor(DAY0));
  assert.ok(gets.length < firstRequests, `${gets.length} < ${firstRequests}`);
  reader.forget(meterId);
  assert.equal(reader.hasProfileMeta(meterId), false);
  assert.equal(LOAD_PROFILE, '1-0:99.1.0.255');
});
