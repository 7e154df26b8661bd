import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode } from '../../../model/errors.ts';
import { ReplayGuard, SendCounters, type ReplayGuardState, type SecurityEvent } from './invocation-counter.ts';

const ST = Uint8Array.from(Buffer.from('4D4D4D0000BC614E', 'hex'));
const OTHER = Uint8Array.from(Buffer.from('2F19229199164103', 'hex'));
const now = (): Date => new Date('2025-01-01T00:00:00Z');

function guard(): { g: ReplayGuard; events: SecurityEvent[] } {
  const events: SecurityEvent[] = [];
  return { g: new ReplayGuard({ sink: (e) => events.push(e), now }), events };
}

test('accepts strictly increasing counters per system title', () => {
  const { g, events } = guard();
  g.check(ST, 0);
  g.check(ST, 5);
  g.check(OTHER, 1);
  g.check(ST, 0xffffffff);
  assert.equal(g.lastAccepted(ST), 0xffffffff);
  assert.equal(g.lastAccepted(OTHER), 1);
  assert.equal(events.length, 0);
});

test('an equal or lower counter is rejected with DLMS_SECURITY_REPLAY and a security event', () => {
  const { g, events } = guard();
  g.check(ST, 10);
  for (const ic of [10, 9, 0]) {
    assert.throws(() => g.check(ST, ic), (e) => hasCode(e, 'DLMS_SECURITY_REPLAY') && e.status === 409);
  }
  assert.equal(g.lastAccepted(ST), 10);
  assert.equal(events.length, 3);
  assert.deepEqual(events[0], {
    type: 'dlms.security.replay-rejected', at: '2025-01-01T00:00:00.000Z', subject: '4D4D4D0000BC614E',
    invocationCounter: 10, last: 10, code: 'DLMS_SECURITY_REPLAY',
  });
});

test('assertFresh does not record; reset forgets a title', () => {
  const { g } = guard();
  g.assertFresh(ST, 3);
  assert.equal(g.lastAccepted(ST), undefined);
  g.check(ST, 3);
  g.reset(ST);
  g.check(ST, 1);
  assert.equal(g.lastAccepted(ST), 1);
});

test('state survives a restart through export/import (JSON)', () => {
  const { g } = guard();
  g.check(ST, 41);
  g.check(OTHER, 7);
  const saved = JSON.parse(JSON.stringify(g.export())) as ReplayGuardState;
  assert.deepEqual(saved, { version: 1, lastAccepted: { '2F19229199164103': 7, '4D4D4D0000BC614E': 41 } });
  const restarted = new ReplayGuard({ sink: () => {}, state: saved });
  assert.throws(() => restarted.check(ST, 41), (e) => hasCode(e, 'DLMS_SECURITY_REPLAY'));
  restarted.check(ST, 42);
  assert.throws(() => new ReplayGuard({ sink: () => {}, state: { version: 1, lastAccepted: { x: 1 } } }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_SYSTEM_TITLE'));
  assert.throws(() => new ReplayGuard({ sink: () => {}, state: { version: 1, lastAccepted: { '4D4D4D0000BC614E': -1 } } }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_COUNTER'));
});

test('property: after any sequence, a counter is accepted iff it exceeds every accepted one', () => {
  fc.assert(fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 40 }), (ics) => {
    const { g, events } = guard();
    let max = -1;
    let rejected = 0;
    for (const ic of ics) {
      const fresh = ic > max;
      try { g.check(ST, ic); assert.ok(fresh); max = ic; } catch (e) { assert.ok(!fresh && hasCode(e, 'DLMS_SECURITY_REPLAY')); rejected++; }
    }
    assert.equal(events.length, rejected);
  }));
});

test('send counters increase from 1 and refuse to wrap past 0xFFFFFFFF', () => {
  const events: SecurityEvent[] = [];
  const c = new SendCounters({ sink: (e) => events.push(e), now });
  assert.equal(c.next('ek-1'), 1);
  assert.equal(c.next('ek-1'), 2);
  assert.equal(c.next('ek-2'), 1);
  const nearEnd = new SendCounters({ sink: (e) => events.push(e), now, state: { version: 1, lastUsed: { k: 0xfffffffe } } });
  assert.equal(nearEnd.remaining('k'), 1);
  assert.equal(nearEnd.next('k'), 0xffffffff);
  assert.equal(nearEnd.remaining('k'), 0);
  assert.throws(() => nearEnd.next('k'), (e) => hasCode(e, 'DLMS_SECURITY_COUNTER_EXHAUSTED'));
  assert.throws(() => nearEnd.next('k'), (e) => hasCode(e, 'DLMS_SECURITY_COUNTER_EXHAUSTED'));
  assert.equal(events.length, 2);
  assert.equal(events[0]!.type, 'dlms.security.counter-exhausted');
  nearEnd.reset('k');
  assert.equal(nearEnd.next('k'), 1);
  assert.deepEqual(JSON.parse(JSON.stringify(c.export())), { version: 1, lastUsed: { 'ek-1': 2, 'ek-2': 1 } });
});
