import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret, isSecretHash, newSecret, verifySecret } from './secret.ts';

test('a secret verifies against its hash, another secret does not', async () => {
  const s = newSecret();
  assert.match(s, /^[A-Za-z0-9_-]{43}$/);
  const h = hashSecret(s);
  assert.ok(isSecretHash(h));
  assert.notEqual(hashSecret(s), h, 'a fresh salt every time');
  assert.equal(await verifySecret(s, h), true);
  assert.equal(await verifySecret(`${s}x`, h), false);
  assert.equal(await verifySecret('', h), false);
  assert.equal(await verifySecret(s, 'not a hash'), false);
  assert.equal(await verifySecret(s, '$7$0$AAAA$AAAA'), false);
});

test('the stored form is what mosquitto_passwd writes: each side verifies the other', async (t) => {
  let dir: string | undefined;
  try {
    execFileSync('mosquitto_passwd', ['-h'], { stdio: 'ignore' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return t.skip('mosquitto_passwd is not installed');
  }
  try {
    dir = mkdtempSync(join(tmpdir(), 'meterstack-pw-'));
    const file = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', file, 'METER1', 'secret1']);
    const stored = readFileSync(file, 'utf8').trim().split(':')[1]!;
    assert.ok(isSecretHash(stored), stored);
    assert.equal(await verifySecret('secret1', stored), true);
    assert.equal(await verifySecret('secret2', stored), false);
    // And ours, given the same salt, is byte for byte what mosquitto computed.
    const salt = Buffer.from(stored.split('$')[3]!, 'base64');
    assert.equal(hashSecret('secret1', salt), stored);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});
