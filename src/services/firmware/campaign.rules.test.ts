import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { hasCode, isMeterstackError } from '../../model/index.ts';
import {
  CAMPAIGN_STATES, CAMPAIGN_TRANSITIONS, inWindow, parseSettings, parseTarget, parseTimeOfDay, parseWindowSpec, transition, waveCount, waveOf, type CampaignEvent,
} from './campaign.rules.ts';
import { decodeBase64, parseSigningKey } from './signing.ts';

const onlyTyped = (f: () => unknown, code: string): void => {
  try {
    f();
  } catch (e) {
    if (!isMeterstackError(e) || e.code !== code) throw e;
  }
};
const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

test('times of day: every HH:MM parses to its minutes; anything else is FIRMWARE_CAMPAIGN_INVALID, nothing else is thrown', () => {
  fc.assert(fc.property(hhmm, (s) => parseTimeOfDay(s) === Number(s.slice(0, 2)) * 60 + Number(s.slice(3))));
  fc.assert(fc.property(fc.anything(), (x) => onlyTyped(() => parseTimeOfDay(x), 'FIRMWARE_CAMPAIGN_INVALID')));
  for (const bad of ['24:00', '7:00', '07:60', ' 07:00', '07:00 ', '0700']) assert.throws(() => parseTimeOfDay(bad), (e: unknown) => hasCode(e, 'FIRMWARE_CAMPAIGN_INVALID'));
});

test('a window and its complement: at every instant exactly one of them lets upgrades start', () => {
  const zones = fc.constantFrom('Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC');
  fc.assert(fc.property(zones, hhmm, hhmm, fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }), (zone, from, to, at) => {
    fc.pre(from !== to);
    return inWindow({ zone, from, to }, at) !== inWindow({ zone, from: to, to: from }, at);
  }));
  // 22:00–05:00 in Amsterdam, across the autumn DST change.
  const w = { zone: 'Europe/Amsterdam', from: '22:00', to: '05:00' };
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toSeconds();
  assert.equal(inWindow(w, at('2026-10-25T02:30')), true);
  assert.equal(inWindow(w, at('2026-10-25T05:00')), false);
  assert.equal(inWindow(w, at('2026-10-24T21:59')), false);
  assert.equal(inWindow(w, at('2026-10-24T22:00')), true);
  assert.equal(inWindow(undefined, 0), true);
});

test('the CLI window spec: "<zone> HH:MM-HH:MM" or a typed error, never another exception', () => {
  assert.deepEqual(parseWindowSpec('Europe/Amsterdam 22:00-05:00'), { zone: 'Europe/Amsterdam', from: '22:00', to: '05:00' });
  assert.throws(() => parseWindowSpec('Nowhere/Land 22:00-05:00'), (e: unknown) => hasCode(e, 'FIRMWARE_CAMPAIGN_INVALID'));
  assert.throws(() => parseWindowSpec('UTC 05:00-05:00'), (e: unknown) => hasCode(e, 'FIRMWARE_CAMPAIGN_INVALID'));
  fc.assert(fc.property(fc.string(), (s) => onlyTyped(() => parseWindowSpec(s), 'FIRMWARE_CAMPAIGN_INVALID')));
});

test('targets and settings from any JSON: parsed, or refused with FIRMWARE_CAMPAIGN_INVALID', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => onlyTyped(() => parseTarget(v), 'FIRMWARE_CAMPAIGN_INVALID')));
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('canary', 'batch', 'threshold', 'concurrency', 'window'), fc.jsonValue()),
    (v) => onlyTyped(() => parseSettings(v), 'FIRMWARE_CAMPAIGN_INVALID')));
  assert.deepEqual(parseTarget({ vendor: 'Kaifa', meterIds: ['A', 'B', 'A'] }), { vendor: 'Kaifa', meterIds: ['A', 'B'] });
  assert.deepEqual(parseSettings({}), { canary: 5, batch: 50, threshold: 0.1, concurrency: 10 });
});

test('waves: the canary first, then full batches; every meter in exactly one wave, waves in order', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (n, canary, batch) => {
    const waves = Array.from({ length: n }, (_, i) => waveOf(i, { canary, batch }));
    for (let i = 1; i < n; i++) if (waves[i]! < waves[i - 1]! || waves[i]! > waves[i - 1]! + 1) return false;
    const size = (w: number) => waves.filter((x) => x === w).length;
    if (n > 0 && size(0) !== Math.min(n, canary)) return false;
    for (let w = 1; w < waveCount(n, { canary, batch }) - 1; w++) if (size(w) !== batch) return false;
    return waveCount(n, { canary, batch }) === (n === 0 ? 0 : waves[n - 1]! + 1);
  }));
});

test('the campaign state table: listed events move, every other event is FIRMWARE_CAMPAIGN_STATE', () => {
  const events: CampaignEvent[] = ['start', 'halt', 'threshold', 'resume', 'complete', 'cancel'];
  for (const s of CAMPAIGN_STATES) {
    for (const e of events) {
      const next = CAMPAIGN_TRANSITIONS[s][e];
      if (next) assert.equal(transition(s, e, 'c'), next);
      else assert.throws(() => transition(s, e, 'c'), (err: unknown) => hasCode(err, 'FIRMWARE_CAMPAIGN_STATE'));
    }
  }
  assert.equal(transition('halted', 'resume', 'c'), 'running');
  assert.deepEqual(Object.keys(CAMPAIGN_TRANSITIONS.completed), []);
});

test('signing keys and base64 from any text: parsed or refused with a typed error', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => onlyTyped(() => parseSigningKey(s), 'FIRMWARE_KEY_INVALID')));
  fc.assert(fc.property(fc.base64String({ minLength: 4, maxLength: 200 }), (s) => onlyTyped(() => parseSigningKey(s), 'FIRMWARE_KEY_INVALID')));
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (b) => {
    const s = Buffer.from(b).toString('base64');
    return Buffer.from(decodeBase64(s)!).equals(Buffer.from(b)) && Buffer.from(decodeBase64(s.replace(/\+/g, '-').replace(/\//g, '_'))!).equals(Buffer.from(b));
  }));
  fc.assert(fc.property(fc.string(), (s) => { decodeBase64(s); return true; }));
});
