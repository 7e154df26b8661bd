/**
 * Interop with libcoap's own tools (Debian libcoap3-bin; .ci/run installs it): coap-client posting
 * to our server, retransmitting to it, and observing a simulated device; our Observe client
 * against libcoap's coap-server. Every process and socket is bounded by a timeout and closed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { obis } from '../model/obis.ts';
import { SIGNATURE_OPTION, observeResource, signPayload } from '../protocols/coap/index.ts';
import { PAYLOAD_EXAMPLES, encodeBody } from '../protocols/payloads/index.ts';
import { SimCoapDevice } from '../sim/coap/index.ts';
import { KEY1, KEY2, coapRig } from './coap-ingest.fixture.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import { wrapIngest } from '../ingest/pipeline.fixture.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';

const PARTS = { openSqliteStore, createPipeline };

const T0 = 1795687200;
const CH = obis('1-0:1.8.0');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function coapClient(args: readonly string[], timeoutMs = 15_000): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    execFile('coap-client-notls', args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (e, out, err) => (e ? reject(Object.assign(e, { out, err })) : resolve({ out, err })));
  });
}

const channels = (meter: string, wh: number[]) => ({ schema: 'channels/1', meter, channels: [{ obis: '1-0:1.8.0', unit: 'Wh', interval: 900, start: T0, values: wh }] });

test('libcoap coap-client posts a JSON (-e, -t 50) and a CBOR (-f, -t 60) reading; both stored', { timeout: 30_000 }, async () => {
  const rig = await coapRig(PARTS);
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-coap-'));
  try {
    const body = JSON.stringify(channels('SIM000001', [11, 12]));
    const a = await coapClient(['-m', 'post', '-t', '50', '-O', `${SIGNATURE_OPTION},0x${hex(signPayload(KEY1, Buffer.from(body)))}`, '-e', body, `coap://127.0.0.1:${rig.server.port}/r/SIM000001`]);
    assert.match(a.out, /"receiptSeq":1,"accepted":1/);

    const cbor = encodeBody(PAYLOAD_EXAMPLES.find((e) => e.format === 'compact')!.body, 'cbor');
    const file = join(dir, 'reading.cbor');
    writeFileSync(file, cbor);
    const b = await coapClient(['-m', 'post', '-t', '60', '-O', `${SIGNATURE_OPTION},0x${hex(signPayload(KEY2, cbor))}`, '-f', file, `coap://127.0.0.1:${rig.server.port}/r/SIM000002`]);
    assert.match(b.out, /"receiptSeq":2/);

    assert.deepEqual([...(await rig.store.readSeries('SIM000001', CH, T0, T0 + 1800)).values], [11, 12]);
    assert.deepEqual([...(await rig.store.readSeries('SIM000002', CH, T0, T0 + 2700)).values], [125, 118, 0]);

    // Unsigned: refused with 4.01 and its diagnostic, which coap-client prints on stderr.
    const u = await coapClient(['-m', 'post', '-t', '50', '-e', body, `coap://127.0.0.1:${rig.server.port}/r/SIM000001`]);
    assert.match(u.err, /^4\.01 .*COAP_UNAUTHORIZED/);
    assert.equal((await rig.store.listReceipts({ limit: 10 })).total, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await rig.close();
  }
});

test('libcoap retransmits a CON POST the server is slow to answer: stored once, answered 2.04', { timeout: 30_000 }, async () => {
  // The commit takes 4 s and the answer is held for a piggybacked reply, so coap-client's first
  // retransmission (after ACK_TIMEOUT 2–3 s) arrives while the first copy is being ingested.
  const slowStore: typeof openSqliteStore = (o) => wrapIngest(openSqliteStore(o), (_units, commit) => new Promise((r) => setTimeout(r, 4000)).then(commit));
  const rig = await coapRig({ openSqliteStore: slowStore, createPipeline }, { piggybackReplyMs: 10_000 });
  try {
    const body = JSON.stringify(channels('SIM000001', [21]));
    const r = await coapClient(['-m', 'post', '-t', '50', '-O', `${SIGNATURE_OPTION},0x${hex(signPayload(KEY1, Buffer.from(body)))}`, '-e', body, `coap://127.0.0.1:${rig.server.port}/r/SIM000001`]);
    assert.match(r.out, /"receiptSeq":1,"accepted":1,"written":1/);
    assert.ok(rig.server.stats().duplicates >= 1, `coap-client should have retransmitted: ${JSON.stringify(rig.server.stats())}`);
    assert.equal((await rig.store.listReceipts({ limit: 10 })).total, 1);
    assert.equal(rig.ingest.stats().messages, 1);
  } finally {
    await rig.close();
  }
});

test('libcoap coap-client observes a simulated device: every notification arrives', { timeout: 30_000 }, async () => {
  const device = await SimCoapDevice.start({ meterId: 'SIM000001', key: KEY1, initial: channels('SIM000001', [1]) });
  try {
    const client = coapClient(['-s', '3', '-v', '4', `coap://127.0.0.1:${device.port}/readings`]);
    const end = Date.now() + 5000;
    while (device.observers === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(device.observers, 1);
    device.notify(channels('SIM000001', [2]));
    await new Promise((r) => setTimeout(r, 300));
    device.notify(channels('SIM000001', [3]));
    const { out } = await client;
    const seen = [...out.matchAll(/"values":\[(\d+)\]/g)].map((m) => Number(m[1]));
    assert.deepEqual(seen, [1, 2, 3]);
    // The observer is gone after the client: deregistered, or reset on the next notification.
    device.notify(channels('SIM000001', [4]));
    const gone = Date.now() + 5000;
    while (device.observers > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
    assert.equal(device.observers, 0);
  } finally {
    await device.close();
  }
});

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('our Observe client against libcoap coap-server: notifications arrive, cancel deregisters', { timeout: 30_000 }, async () => {
  const port = await freeUdpPort();
  const server = spawn('coap-server-notls', ['-A', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    let obs: Awaited<ReturnType<typeof observeResource>> | undefined;
    const got: string[] = [];
    for (let attempt = 0; attempt < 20 && obs === undefined; attempt++) {
      obs = await observeResource({ host: '127.0.0.1', port, path: '/time', timeoutMs: 500, onNotification: (n) => got.push(`${n.code} ${n.observe}`) }).catch(() => undefined);
    }
    assert.ok(obs, 'coap-server-notls did not come up');
    const end = Date.now() + 5000;
    while (got.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await obs.cancel();
    const n = got.length;
    assert.ok(n >= 3, `only ${n} notifications: ${got.join(', ')}`);
    assert.ok(got.every((g) => g.startsWith('2.05 ')));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(got.length, n, 'no notifications after cancel');
  } finally {
    server.kill('SIGTERM');
  }
});
