import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { childEnv, killAll, runCli } from './process.ts';

after(killAll);

const capture = (name: string): string => fileURLToPath(new URL(`../../../shared/corpus/dlms/${name}`, import.meta.url));

test('meterstack decode dlms FILE --json prints every layer and the readings', async () => {
  const r = await runCli(['decode', 'dlms', capture('athombv__aidon-example-2.hex'), '--json', '--at', '2026-11-26T10:00:00Z', '--meter', 'AIDON1'], childEnv());
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.framing.kind, 'hdlc');
  assert.equal(out.apdu.type, 'data-notification');
  const l1 = out.readings.find((x: { channel: string }) => x.channel === '1-0:32.7.0.255');
  assert.deepEqual(l1, { meterId: 'AIDON1', channel: '1-0:32.7.0.255', at: '2026-11-26T10:00:00Z', value: 230700, unit: 'mV', quality: 'A' });
});

test('hex on the command line works too, and a broken capture exits 2 with the code and byte offset', async () => {
  const ok = await runCli(['decode', 'dlms', 'C0 01 C1 0003 0100010800FF 02 00', '--json'], childEnv());
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).apdu.attribute, { classId: 3, logicalName: { obis: "1-0:1.8.0.255", name: "Active energy import (+A) total" }, attributeId: 2 });
  const bad = await runCli(['decode', 'dlms', 'C4 01 C1 00 06 00 00'], childEnv());
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error DLMS_[A-Z_]+ \(offset \d+\): /);
  const notHex = await runCli(['decode', 'dlms', 'xyz'], childEnv());
  assert.notEqual(notHex.code, 0);
  assert.match(notHex.stderr, /CONFIG_INVALID/);
});
