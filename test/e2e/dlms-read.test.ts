// `meterstack dlms read` as a field engineer runs it: the real CLI in a child process against
// simulated DLMS meters listening on 127.0.0.1 (ephemeral ports) in this test process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DAY_S } from '../../src/model/index.ts';
import { createFleet } from '../../src/sim/fleet.ts';
import { FleetDataSource } from '../../src/sim/dlms/data-source.ts';
import { meterKeys } from '../../src/sim/dlms/keys.ts';
import { startDlmsMeters, type DlmsMeterFleet } from '../../src/sim/dlms/meter-server.ts';
import { childEnv, killAll, runCli } from './process.ts';

const DAY0 = Date.UTC(2026, 5, 10) / 1000;
const fleet = createFleet({ seed: 'cli-dlms-read', meters: 2 });
const source = new FleetDataSource(fleet, { start: DAY0 - DAY_S });
const openId = fleet.meters[0]!.id;
const secureId = fleet.meters[1]!.id;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const keys = meterKeys(fleet.seed, secureId);
const EK = hex(keys.ek.bytes());
const AK = hex(keys.ak.bytes());
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

let now = DAY0 + DAY_S; // on the quarter-hour grid
let open: DlmsMeterFleet | undefined;
let secure: DlmsMeterFleet | undefined;
let openAt = '';
let secureAt = '';

before(async () => {
  const common = { fleet, source, addressOf: () => '127.0.0.1', port: 0, clock: () => now };
  open = await startDlmsMeters({ ...common, meterIds: [openId], mechanism: 'lowest', securityPolicy: 'none' });
  secure = await startDlmsMeters({ ...common, meterIds: [secureId], mechanism: 'hls-gmac', securityPolicy: 'authenticated-encrypted' });
  const a = open.endpoints.get(openId)!;
  const b = secure.endpoints.get(secureId)!;
  openAt = `${a.host}:${a.port}`;
  secureAt = `${b.host}:${b.port}`;
});
after(async () => {
  await killAll();
  await open?.close();
  await secure?.close();
});

const dlmsRead = (...args: string[]) => runCli(['dlms', 'read', ...args, '--timeout', '3000'], childEnv(), 30_000);

test('reads the clock with the lowest-level association, as text and as JSON', async () => {
  const text = await dlmsRead(openAt, '0-0:1.0.0.255');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^0-0:1\.0\.0\.255\b.*, class 8, attribute 2\n/);
  const shown = /octet-string (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/.exec(text.stdout);
  assert.ok(shown, text.stdout);
  assert.ok(Math.abs(Date.parse(shown[1]!) / 1000 - now) < 120, `meter clock ${shown[1]} is near ${iso(now)}`);

  const json = await dlmsRead(openAt, '0-0:1.0.0.255', '--json');
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.attribute.classId, 8);
  assert.equal(out.attribute.logicalName.obis, '0-0:1.0.0.255');
  assert.equal(out.value.type, 'octet-string');
  assert.ok(Math.abs(Date.parse(out.value.asDateTime) / 1000 - now) < 120);
});

test('reads the import register (class 3 by default): the simulator\'s value, growing as time goes on', async () => {
  const first = await dlmsRead(openAt, '1-0:1.8.0', '--json');
  assert.equal(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout);
  assert.equal(a.attribute.classId, 3);
  assert.equal(a.attribute.attributeId, 2);
  assert.equal(a.value.type, 'double-long-unsigned');
  assert.equal(a.value.value, source.registersAt(source.meterIndex(openId), now).imp);
  assert.ok(a.value.value > 0);

  now += 6 * 3600;
  const second = await dlmsRead(openAt, '1-0:1.8.0.255', '--json');
  assert.equal(second.code, 0, second.stderr);
  const b = JSON.parse(second.stdout);
  assert.equal(b.value.value, source.registersAt(source.meterIndex(openId), now).imp);
  assert.ok(b.value.value > a.value.value, `${b.value.value} > ${a.value.value}`);
});

test('reads one day of load profile with HLS-GMAC and authenticated encryption, by range', async () => {
  const day = ['--from', iso(DAY0), '--to', iso(DAY0 + DAY_S), '--mechanism', 'hls-gmac', '--policy', 'authenticated-encrypted', '--ek', EK, '--ak', AK];
  const json = await dlmsRead(secureAt, '1-0:99.1.0.255', ...day, '--json');
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.attribute.classId, 7);
  assert.deepEqual(out.selection, { from: iso(DAY0), to: iso(DAY0 + DAY_S) });
  assert.equal(out.value.type, 'array');
  const rows = out.value.value.length;
  assert.ok(rows === 96 || rows === 97, `${rows} rows`);
  const firstRow = out.value.value[0];
  assert.equal(firstRow.type, 'structure');
  assert.ok(firstRow.value[0].asDateTime, 'each row starts with its capture time');
  assert.equal(firstRow.value[1].type, 'double-long-unsigned');
  assert.ok(!json.stdout.includes(EK) && !json.stdout.includes(AK));

  const text = await dlmsRead(secureAt, '1-0:99.1.0.255', ...day);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`: ${rows} entries\\n`));
  assert.equal(text.stdout.trimEnd().split('\n').length, rows + 1);
  assert.match(text.stdout.split('\n')[1]!, /^2026-06-\d\dT\d\d:\d\d:\d\dZ\t\d+/);
});

test('wrong keys: the association is rejected, exit 1 with a typed code naming the mechanism; no key is printed', async () => {
  const wrongEk = '00112233445566778899aabbccddeeff';
  const r = await dlmsRead(secureAt, '0-0:1.0.0.255', '--mechanism', 'hls-gmac', '--ek', wrongEk, '--ak', AK);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error DLMS_[A-Z_]+: .*mechanism hls-gmac, policy authenticated-encrypted.*--ek\/--ak/);
  for (const secret of [wrongEk, AK, EK]) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'a key was printed');
});

test('an object the meter does not have: exit 1 naming object-undefined', async () => {
  const r = await dlmsRead(openAt, '0-0:96.1.99.255');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error DLMS_[A-Z_]+: GET 0-0:96\.1\.99\.255 class 1 attribute 2: .*object-undefined/);
});

test('a closed port: exit 1 with DLMS_TRANSPORT_REFUSED', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const r = await dlmsRead(`127.0.0.1:${port}`, '0-0:1.0.0.255');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error DLMS_TRANSPORT_REFUSED/);
});

test('bad options are CONFIG_INVALID before any connection', async () => {
  const r = await dlmsRead(openAt, '1-0:1.8.0', '--from', iso(DAY0), '--to', iso(DAY0 + DAY_S));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error CONFIG_INVALID: --from\/--to select rows of a profile generic/);
  const noKeys = await dlmsRead(secureAt, '0-0:1.0.0.255', '--mechanism', 'hls-gmac');
  assert.equal(noKeys.code, 1);
  assert.match(noKeys.stderr, /^error CONFIG_INVALID: .*--ek and --ak/);
});

test('a meter that accepts the connection but never answers: exit 1 with DLMS_TRANSPORT_TIMEOUT within --timeout', async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = silent.address() as net.AddressInfo;
    const r = await runCli(['dlms', 'read', `127.0.0.1:${port}`, '0-0:1.0.0.255', '--timeout', '300'], childEnv(), 30_000);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error DLMS_TRANSPORT_TIMEOUT/);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('profile capture objects (attribute 3) print their logical names', async () => {
  const r = await dlmsRead(openAt, '1-0:99.1.0.255', '--attr', '3');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^1-0:99\.1\.0\.255\b.*, class 7, attribute 3: \d+ entries\n/);
  assert.match(r.stdout, /\n8\t0000010000FF \(0-0:1\.0\.0\.255\)\t2\t0\n/);
  assert.match(r.stdout, /\n3\t0100010800FF \(1-0:1\.8\.0\.255\)\t2\t0\n/);
});
