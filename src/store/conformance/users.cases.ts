import assert from 'node:assert/strict';
import type { Meter } from '../../model/index.ts';
import type { SessionRecord, UserRecord } from '../store.port.ts';
import type { Case } from './fixtures.ts';

const user = (id: string, username: string, extra: Partial<UserRecord> = {}): UserRecord => ({
  id, username, name: username, role: 'operator', password: 'scrypt$16384$8$1$salt$hash', createdAt: 100, updatedAt: 100, ...extra,
});
const session = (hash: string, userId: string, expiresAt: number): SessionRecord => ({ hash, userId, csrf: `csrf-${hash}`, createdAt: 100, seenAt: 100, expiresAt });
const meter = (id: string, premise?: string): Meter => ({ id, kind: 'electricity', status: 'active', timeZone: 'UTC', tags: [], ...(premise ? { premise } : {}) });

export const userCases: readonly Case[] = [
  ['users: put replaces by id; usernames are found whatever their case; the list is by username', async (store) => {
    assert.equal(await store.countUsers(), 0);
    await store.putUser(user('u2', 'Zoe'));
    await store.putUser(user('u1', 'adam', { role: 'customer', premise: 'P1' }));
    assert.deepEqual(await store.findUser('ZOE'), user('u2', 'Zoe'));
    assert.deepEqual(await store.getUser('u1'), user('u1', 'adam', { role: 'customer', premise: 'P1' }));
    await store.putUser(user('u1', 'adam', { role: 'operator', updatedAt: 200, disabledAt: 200 }));
    assert.deepEqual(await store.getUser('u1'), user('u1', 'adam', { updatedAt: 200, disabledAt: 200 }));
    assert.deepEqual((await store.listUsers()).map((u) => u.id), ['u1', 'u2']);
    assert.equal(await store.countUsers(), 2);
    assert.equal(await store.findUser('nobody'), undefined);
    await assert.rejects(store.putUser(user('u3', 'ADAM')), 'usernames are unique whatever their case');
  }],

  ['sessions: found by hash, touched, deleted one by one, per user, and when expired', async (store) => {
    await store.putUser(user('u1', 'a'));
    await store.putUser(user('u2', 'b'));
    await store.putSession(session('h1', 'u1', 1000));
    await store.putSession(session('h2', 'u1', 2000));
    await store.putSession(session('h3', 'u2', 3000));
    assert.deepEqual(await store.findSession('h1'), session('h1', 'u1', 1000));
    await store.touchSession('h1', 500, 1500);
    assert.deepEqual(await store.findSession('h1'), { ...session('h1', 'u1', 1500), seenAt: 500 });
    assert.equal(await store.deleteExpiredSessions(1500), 1);
    assert.equal(await store.findSession('h1'), undefined);
    assert.equal(await store.deleteUserSessions('u1'), 1);
    assert.equal(await store.findSession('h2'), undefined);
    await store.deleteSession('h3');
    assert.equal(await store.findSession('h3'), undefined);
  }],

  ['meters of a premise, in id order', async (store) => {
    await store.upsertMeters([meter('m3', 'P1'), meter('m1', 'P1'), meter('m2', 'P2'), meter('m4')]);
    assert.deepEqual(await store.meterIdsAtPremise('P1'), ['m1', 'm3']);
    assert.deepEqual(await store.meterIdsAtPremise('P2'), ['m2']);
    assert.deepEqual(await store.meterIdsAtPremise('P9'), []);
  }],
];
