import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { obis } from '../../model/index.ts';
import { t, type Case } from './fixtures.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

export const recordCases: readonly Case[] = [
  ['registers round-trip and are idempotent', async (store) => {
    const r1 = { meterId: 'm1', channel: obis('1-0:1.8.1'), at: t('2026-03-10T00:00:00Z'), value: 185_000 };
    const r2 = { meterId: 'm1', channel: obis('1-0:1.8.1'), at: t('2026-03-10T01:00:00Z'), value: 185_400, quality: 'E' as const };
    assert.equal(await store.writeRegisters([r1, r2]), 2);
    assert.equal(await store.writeRegisters([r1, r2]), 0);
    assert.deepEqual(await store.readRegisters('m1', obis('1-0:1.8.1'), r1.at, r2.at + 1), [r1, r2]);
    assert.deepEqual(await store.readRegisters('m1', obis('1-0:1.8.1'), r1.at, r2.at), [r1]);
    assert.deepEqual(await store.readRegisters('m2', obis('1-0:1.8.1'), r1.at, r2.at + 1), []);
  }],

  ['events round-trip, are idempotent and page by time', async (store) => {
    const base = t('2026-03-10T00:00:00Z');
    const events = Array.from({ length: 9 }, (_, i) => ({
      meterId: i % 2 ? 'm1' : 'm2', at: base + Math.floor(i / 2) * 60, code: i % 3 === 0 ? 1 : 2,
      ...(i === 4 ? { cimType: '3.26.38.185', details: { phase: 'L1', volts: 0 } } : {}),
    }));
    assert.equal(await store.writeEvents(events), 9);
    assert.equal(await store.writeEvents(events), 0);
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listEvents(undefined, base, base + 3600, { limit: 2, cursor });
      assert.equal(page.total, 9);
      seen.push(...page.items);
      cursor = page.next;
    } while (cursor !== null);
    assert.equal(seen.length, 9);
    assert.deepEqual(seen.map((e) => (e as { at: number }).at), events.map((e) => e.at).sort((a, b) => a - b));
    assert.deepEqual(seen.find((e) => (e as { cimType?: string }).cimType), events[4]);
    const m1 = await store.listEvents('m1', base, base + 120, { limit: 10 });
    assert.deepEqual(m1.items, events.filter((e) => e.meterId === 'm1' && e.at < base + 120));
  }],

  ['api keys: put, find by hash, revoke, count', async (store) => {
    assert.equal(await store.countApiKeys(), 0);
    const k = { id: 'k1', hash: sha('secret'), role: 'admin', label: 'first', createdAt: 1000 };
    await store.putApiKey(k);
    await store.putApiKey({ id: 'k2', hash: sha('other'), role: 'auditor', label: 'audit', createdAt: 1001 });
    assert.deepEqual(await store.findApiKey(sha('secret')), k);
    assert.equal(await store.findApiKey(sha('nope')), undefined);
    await store.putApiKey({ ...k, revokedAt: 2000 });
    assert.deepEqual(await store.findApiKey(sha('secret')), { ...k, revokedAt: 2000 });
    assert.equal(await store.countApiKeys(), 2);
  }],

  ['mqtt credentials: put, get, list by id, rotate and revoke', async (store) => {
    assert.deepEqual(await store.listMqttCredentials(), []);
    const dev = { id: 'METER1', kind: 'device' as const, hash: '$7$101$c2FsdA==$aGFzaA==', meters: [], createdAt: 1000 };
    const gw = { id: 'GW1', kind: 'gateway' as const, hash: '$7$101$c2FsdDI=$aGFzaDI=', meters: ['M1', 'M2'], createdAt: 1001 };
    await store.putMqttCredential(dev);
    await store.putMqttCredential(gw);
    assert.deepEqual(await store.getMqttCredential('METER1'), dev);
    assert.deepEqual(await store.getMqttCredential('GW1'), gw);
    assert.equal(await store.getMqttCredential('METER2'), undefined);
    await store.putMqttCredential({ ...dev, hash: '$7$101$bmV3$bmV3', revokedAt: 2000 });
    assert.deepEqual(await store.getMqttCredential('METER1'), { ...dev, hash: '$7$101$bmV3$bmV3', revokedAt: 2000 });
    assert.deepEqual((await store.listMqttCredentials()).map((c) => c.id), ['GW1', 'METER1']);
  }],
];
