// `meterstack thirdparty …` and `meterstack consent …` as an administrator runs them on a data
// directory: register, list, issue a key (printed once, only its hash stored), suspend, refuse an
// illegal transition with its code, list and revoke consents.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { childEnv, runCli, tempDir } from './process.ts';

const STEP = { timeout: 120_000 };
const env = childEnv();

describe('meterstack thirdparty and consent', () => {
  const data = tempDir('e2e-consent-cli');
  const cli = (...args: string[]) => runCli([...args, '--data', data.dir], env);
  before(async () => {
    const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
    await store.migrate();
    await store.close();
  });
  after(() => data.remove());

  it('registers a party, issues a key once, suspends it, and refuses suspending twice', STEP, async () => {
    const add = await cli('thirdparty', 'add', '--name', 'Watt Wise Ltd', '--contact', 'dpo@wattwise.example', '--website', 'https://wattwise.example', '--country', 'gb', '--purposes', 'energy-advice,switching');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /^registered watt-wise-ltd\s+active\s+GB\s+Watt Wise Ltd/m);
    const bad = await cli('thirdparty', 'add', '--name', 'X Co', '--contact', 'x@x.example', '--website', 'https://x.example', '--country', 'NL', '--purposes', 'marketing');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error THIRD_PARTY_INVALID: unknown purpose "marketing"/m);

    const key = await cli('thirdparty', 'key', 'watt-wise-ltd', '--label', 'prod');
    assert.equal(key.code, 0, key.stderr);
    const secret = /^\s+(msk_\S+)$/m.exec(key.stdout)![1]!;
    const keyId = /^key (key_\w+) for watt-wise-ltd/m.exec(key.stdout)![1]!;
    const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
    try {
      const bound = await store.getThirdPartyKey(keyId);
      assert.equal(bound?.thirdPartyId, 'watt-wise-ltd');
      assert.notEqual(bound?.hash, secret, 'only the hash is stored');
      assert.equal((await store.listAudit({ objectPrefix: 'thirdparty:' }, { limit: 10 })).items.some((a) => JSON.stringify(a).includes(secret)), false);
    } finally {
      await store.close();
    }

    const suspend = await cli('thirdparty', 'suspend', 'watt-wise-ltd', '--reason', 'audit');
    assert.equal(suspend.code, 0, suspend.stderr);
    assert.match(suspend.stdout, /watt-wise-ltd\s+suspended/);
    const again = await cli('thirdparty', 'suspend', 'watt-wise-ltd');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error CONSENT_ILLEGAL_STATE/m);
    const list = await cli('thirdparty', 'list', '--json');
    assert.deepEqual(JSON.parse(list.stdout).map((p: { id: string; status: string }) => [p.id, p.status]), [['watt-wise-ltd', 'suspended']]);
  });

  it('lists consents and refuses to revoke an unknown one', STEP, async () => {
    const list = await cli('consent', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^0 consent\(s\)$/m);
    const revoke = await cli('consent', 'revoke', 'cns_nope', '--reason', 'fraud');
    assert.equal(revoke.code, 1);
    assert.match(revoke.stderr, /^error CONSENT_NOT_FOUND/m);
  });
});
