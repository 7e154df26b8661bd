import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode } from '../../model/index.ts';
import { fromOadrEvent, measuredWindow, normalizeInput, statusOf, type DrEventInput } from './dr.rules.ts';
import type { OadrEventLike } from './dr.port.ts';

const T0 = 1_800_000_000;

test('status follows the clock; a cancel wins', () => {
  const e = { start: T0, end: T0 + 3600 };
  assert.deepEqual([T0 - 1, T0, T0 + 3599, T0 + 3600].map((n) => statusOf(e, n)), ['scheduled', 'active', 'active', 'completed']);
  assert.equal(statusOf({ ...e, cancelledAt: T0 - 100 }, T0 + 10), 'cancelled');
});

test('defaults: one level over the whole event, notice now (or at the start if that is earlier)', () => {
  const n = normalizeInput({ name: ' Peak ', kind: 'critical-peak-price', start: T0, end: T0 + 7200, price: 0.8, targets: { feeders: ['F1', 'F1', ' F2 '] } }, T0 - 50);
  assert.equal(n.name, 'Peak');
  assert.deepEqual(n.levels, [{ start: T0, end: T0 + 7200, level: 1, price: 0.8 }]);
  assert.equal(n.noticeAt, T0 - 50);
  assert.deepEqual(n.targets, { feeders: ['F1', 'F2'] });
  assert.equal(normalizeInput({ name: 'p', kind: 'load-reduction', start: T0, end: T0 + 60, targets: { all: true } }, T0 + 999).noticeAt, T0);
});

test('levels must tile the event; bad fields are named', () => {
  const base: DrEventInput = { name: 'p', kind: 'load-reduction', start: T0, end: T0 + 7200, targets: { all: true } };
  const bad = (patch: Partial<DrEventInput>, field: RegExp) => assert.throws(() => normalizeInput({ ...base, ...patch }, T0), (e) => hasCode(e, 'DR_EVENT_INVALID') && field.test(e.message));
  bad({ levels: [{ start: T0, end: T0 + 3600, level: 1 }] }, /levels/);
  bad({ levels: [{ start: T0, end: T0 + 3600, level: 1 }, { start: T0 + 3700, end: T0 + 7200, level: 1 }] }, /levels\[1\]/);
  bad({ levels: [{ start: T0, end: T0 + 7200, level: 4 }] }, /levels\[0\]\.level/);
  bad({ kind: 'nope' as DrEventInput['kind'] }, /kind/);
  bad({ end: T0 + 49 * 3600 }, /48 hours/);
  bad({ noticeAt: T0 + 1 }, /noticeAt/);
  bad({ targets: { premises: [''] } }, /targets\.premises/);
  bad({ price: Number.NaN }, /price/);
  assert.deepEqual(normalizeInput({ ...base, levels: [{ start: T0, end: T0 + 3600, level: 1 }, { start: T0 + 3600, end: T0 + 7200, level: 3, price: 1.2 }] }, T0).levels.map((l) => l.level), [1, 3]);
});

test('property: any input is either normalized into a tiled, targeted event or refused with DR_EVENT_INVALID', () => {
  fc.assert(fc.property(fc.record({
    name: fc.string({ maxLength: 130 }), kind: fc.constantFrom('critical-peak-price', 'load-reduction', 'price-signal', 'x'),
    start: fc.integer({ min: T0 - 10, max: T0 + 10 }), len: fc.integer({ min: -100, max: 50 * 3600 }), level: fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }),
    targets: fc.record({ all: fc.option(fc.boolean(), { nil: undefined }), feeders: fc.option(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), { nil: undefined }) }, { requiredKeys: [] }),
  }), (r) => {
    let n;
    try {
      n = normalizeInput({ name: r.name, kind: r.kind as DrEventInput['kind'], start: r.start, end: r.start + r.len, level: r.level, targets: r.targets }, T0);
    } catch (e) {
      assert.ok(hasCode(e, 'DR_EVENT_INVALID'), String(e));
      return;
    }
    assert.equal(n.levels[0]!.start, n.start);
    assert.equal(n.levels.at(-1)!.end, n.end);
    assert.ok(n.targets.all || (n.targets.feeders?.length ?? 0) > 0);
    assert.ok(n.end > n.start && n.end - n.start <= 48 * 3600);
  }), { numRuns: 400 });
});

test('the measured window covers every quarter-hour the event touches', () => {
  assert.deepEqual(measuredWindow({ start: 1000, end: 1900 }), { start: 900, end: 2700 });
  assert.deepEqual(measuredWindow({ start: 900, end: 1800 }), { start: 900, end: 1800 });
});

const oadr = (patch: Partial<OadrEventLike>): OadrEventLike => ({
  eventId: 'E', modificationNumber: 3, eventStatus: 'far', testEvent: false, vtnComment: null, marketContext: null,
  startMs: T0 * 1000 + 606, durationS: 3 * 3600, notificationS: 86_400, targets: { venID: ['V'] },
  signals: [{ signalName: 'SIMPLE', signalType: 'level', intervals: [{ durationS: 3600, value: 1 }, { durationS: 3600, value: 2.6 }, { durationS: 3600, value: 9 }] }],
  ...patch,
});

test('OpenADR → event: kind, levels and prices from the first signal, targets from eiTarget, notice from x-eiNotification', () => {
  const known = { feeders: new Set(['F1']), transformers: new Set(['T9']) };
  const a = fromOadrEvent(oadr({}), 'VTN', known);
  assert.deepEqual([a.kind, a.start, a.end, a.noticeAt, a.externalKey, a.modification, a.name], ['critical-peak-price', T0, T0 + 3 * 3600, T0 - 86_400, 'VTN/E', 3, 'VTN SIMPLE']);
  assert.deepEqual(a.levels!.map((l) => l.level), [1, 3, 3]);
  assert.deepEqual(a.targets, { all: true });
  const p = fromOadrEvent(oadr({
    signals: [{ signalName: 'ELECTRICITY_PRICE', signalType: 'price', intervals: [{ durationS: 5400, value: 0.42 }] }],
    targets: { groupID: ['F1', 'T9', 'EAN-1'], resourceID: ['P-7'] }, vtnComment: 'Price spike',
  }), 'VTN', known);
  assert.equal(p.kind, 'price-signal');
  assert.equal(p.name, 'Price spike');
  // The last interval is stretched to the event's end.
  assert.deepEqual(p.levels, [{ start: T0, end: T0 + 5400, level: 2, price: 0.42 }, { start: T0 + 5400, end: T0 + 3 * 3600, level: 2, price: 0.42 }]);
  assert.deepEqual(p.targets, { feeders: ['F1'], transformers: ['T9'], gridAreas: ['EAN-1'], premises: ['P-7'] });
  assert.equal(fromOadrEvent(oadr({ signals: [{ signalName: 'LOAD_CONTROL', signalType: 'x-loadControlCapacity', intervals: [] }] }), 'VTN', known).kind, 'load-reduction');
});
