import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMeterstackError, QUALITY } from '../../model/index.ts';
import { nem12Channel } from './channels.ts';
import { BATCH_READINGS } from './decoder.ts';
import { type FixtureDay, type FixtureStream, type Interval400, type Point, UOM_EXP, dateOf, decodeChunks, decodeText, flatten, formatNem12 } from './nem12.fixture.ts';
import { AEST_OFFSET_S } from './aest.ts';

const FLAG: Record<string, number> = { A: QUALITY.A, E: QUALITY.E, F: QUALITY.F, N: QUALITY.N, S: QUALITY.S };

/** Only a MeterstackError with a line within the file (or just past it) may come out. */
function decodesOrFailsCleanly(version: 'NEM12' | 'NEM13', bytes: Uint8Array): void {
  try {
    decodeChunks(version, [bytes]);
  } catch (e) {
    if (!isMeterstackError(e)) throw e;
    const lines = Buffer.from(bytes).toString('latin1').split('\n').length;
    assert.ok(e.line !== undefined && e.line >= 1 && e.line <= lines + 1, `line ${e.line} of ${lines}: ${e.message}`);
    assert.equal(e.source, 'test.csv');
  }
}

const qualityArb = fc.constantFrom('A', 'E52', 'S14', 'F15', 'N');

const dayArb = (n: number, exp: number) => fc.record({
  values: fc.array(fc.integer({ min: 0, max: exp === 0 ? 99_999 : 9_999_999 }), { minLength: n, maxLength: n }),
  quality: fc.oneof(
    qualityArb,
    // Per-interval flags: cut points split 1..n into 400 ranges.
    fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 4 }).chain((cuts) => {
      const ends = [...cuts.sort((a, b) => a - b), n];
      return fc.tuple(...ends.map(() => fc.tuple(qualityArb, fc.integer({ min: 0, max: 109 })))).map((qs) =>
        ends.map((to, i): Interval400 => ({ from: i === 0 ? 1 : ends[i - 1]! + 1, to, qm: qs[i]![0], reason: qs[i]![1] })));
    }),
  ),
  reason: fc.integer({ min: 0, max: 109 }),
  gap: fc.boolean(),
});

const streamArb = fc.record({
  nmi: fc.stringMatching(/^[A-Z0-9]{10}$/),
  stream: fc.constantFrom(['E1', 'kWh'], ['E2', 'Wh'], ['B1', 'kWh'], ['B2', 'MWh'], ['Q1', 'kVArh'], ['K1', 'VArh']),
  minutes: fc.constantFrom(5, 15, 30),
  first: fc.integer({ min: 0, max: 2000 }),
}).chain((s) => {
  const n = 1440 / s.minutes;
  const exp = UOM_EXP[s.stream[1]]!;
  return fc.array(dayArb(n, exp), { minLength: 1, maxLength: 4 }).map((days): FixtureStream => {
    let d = s.first;
    return {
      nmi: s.nmi, suffix: s.stream[0], uom: s.stream[1], minutes: s.minutes,
      days: days.map((x): FixtureDay => {
        d += x.gap ? 3 : 1;
        return { date: dateOf(d), values: x.values, quality: x.quality, reason: x.reason };
      }),
    };
  });
});

/** The points a description stands for, by the same key as `flatten`. */
function expected(streams: readonly FixtureStream[]): Map<string, Point> {
  const m = new Map<string, Point>();
  for (const s of streams) {
    const ch = nem12Channel(s.suffix, s.uom);
    assert.ok(!('why' in ch));
    for (const d of s.days) {
      const start = Date.UTC(+d.date.slice(0, 4), +d.date.slice(4, 6) - 1, +d.date.slice(6, 8)) / 1000 - AEST_OFFSET_S;
      d.values.forEach((v, i) => {
        let quality: number; let reason: number;
        if (typeof d.quality === 'string') { quality = FLAG[d.quality[0]!]!; reason = d.reason ?? 0; }
        else { const r = d.quality.find((x) => i + 1 >= x.from && i + 1 <= x.to)!; quality = FLAG[r.qm[0]!]!; reason = r.reason ?? 0; }
        m.set(`${s.nmi} ${ch.obis} ${start + (i + 1) * s.minutes * 60}`, { value: v * 10 ** (ch.exp - UOM_EXP[s.uom]!), quality, reason });
      });
    }
  }
  return m;
}

/** Streams may not repeat an NMI/suffix with other days: later ones would overwrite in the expected map. */
const distinct = (ss: FixtureStream[]): FixtureStream[] => ss.filter((s, i) => ss.findIndex((t) => t.nmi === s.nmi && t.suffix === s.suffix) === i);

test('generated valid files give back exactly the values, flags and reasons written', () => {
  fc.assert(fc.property(fc.array(streamArb, { minLength: 1, maxLength: 4 }).map(distinct), fc.constantFrom('\n', '\r\n'), (streams, eol) => {
    const batches = decodeText('NEM12', formatNem12(streams, eol));
    assert.deepEqual(flatten(batches), expected(streams));
  }), { numRuns: 150 });
});

test('cutting the input into arbitrary chunks changes nothing', () => {
  fc.assert(fc.property(
    fc.array(streamArb, { minLength: 1, maxLength: 3 }).map(distinct),
    fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 30 }),
    fc.boolean(),
    (streams, cuts, bom) => {
      const bytes = Buffer.from((bom ? '\uFEFF' : '') + formatNem12(streams, '\r\n'), 'utf8');
      const at = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
      const chunks = [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
      const whole = decodeChunks('NEM12', [bytes]);
      const cut = decodeChunks('NEM12', chunks);
      assert.deepEqual(cut, whole);
      assert.equal(Buffer.concat(cut.map((b) => b.bytes)).compare(bytes), 0);
    },
  ), { numRuns: 150 });
});

test('chunking does not move batch cuts in a file of several batches', () => {
  const days = Math.ceil((BATCH_READINGS * 1.5) / 96);
  const streams: FixtureStream[] = [{ nmi: 'N000000001', suffix: 'E1', uom: 'kWh', minutes: 15, b2b: true,
    days: Array.from({ length: days }, (_, d) => ({ date: dateOf(d), values: Array(96).fill(d % 1000), quality: d % 5 ? 'A' : [{ from: 1, to: 96, qm: 'E52' }] })) }];
  const bytes = Buffer.from(formatNem12(streams));
  const whole = decodeChunks('NEM12', [bytes]);
  assert.ok(whole.length >= 2);
  fc.assert(fc.property(fc.integer({ min: 1, max: 70_000 }), (size) => {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    assert.deepEqual(decodeChunks('NEM12', chunks), whole);
  }), { numRuns: 25 });
});

test('random bytes only ever fail with a MeterstackError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('NEM12', 'NEM13'), (b, v) => decodesOrFailsCleanly(v as 'NEM12' | 'NEM13', b)), { numRuns: 500 });
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
    decodesOrFailsCleanly('NEM12', Buffer.from(`100,NEM12,200405011135,A,B\n${s}`, 'latin1'));
    decodesOrFailsCleanly('NEM13', Buffer.from(`100,NEM13,200405011135,A,B\n${s}`, 'latin1'));
  }), { numRuns: 500 });
});

const NEM13_DOC = [
  '100,NEM13,200401101030,MDA1,Ret1',
  '250,VDEF005890,1141,1,11,11,MET12345,E,000888,20040108103055,A,,,000999,20040408000000,E64,,,111,kWh,20040408, 20040409000000,20040109103023',
  '550,N,,E,',
  '250,VDEF005890,1141,2,41,41,MET5678,I,0000950,20040108103055,S52,1,,0010015,20040408000000,A,,,65,kWh,20040408,,',
  '900',
].join('\r\n');

/** Edits a person or a broken export makes: a byte changed, dropped or doubled, a line lost or repeated. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(...Buffer.from(',.-0123456789AEFNSVX \r\n9')) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), byte: fc.constant(0) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), byte: fc.constant(0) }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat(), byte: fc.constant(0) }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat(), byte: fc.constant(0) }),
);

function mutate(text: string, ms: { kind: string; at: number; byte: number }[]): Buffer {
  let b = Buffer.from(text, 'latin1');
  for (const m of ms) {
    if (b.length === 0) break;
    const i = m.at % b.length;
    if (m.kind === 'set') { b = Buffer.from(b); b[i] = m.byte; }
    else if (m.kind === 'drop') b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
    else if (m.kind === 'dup') b = Buffer.concat([b.subarray(0, i + 1), b.subarray(i)]);
    else {
      const lines = b.toString('latin1').split('\n');
      const k = m.at % lines.length;
      if (m.kind === 'dropLine') lines.splice(k, 1); else lines.splice(k, 0, lines[k]!);
      b = Buffer.from(lines.join('\n'), 'latin1');
    }
  }
  return b;
}

test('mutated valid files decode or fail with a MeterstackError naming a line', () => {
  fc.assert(fc.property(fc.array(streamArb, { minLength: 1, maxLength: 2 }).map(distinct), fc.array(mutation, { minLength: 1, maxLength: 4 }), (streams, ms) => {
    decodesOrFailsCleanly('NEM12', mutate(formatNem12(streams.map((s) => ({ ...s, b2b: true }))), ms));
  }), { numRuns: 400 });
  fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => decodesOrFailsCleanly('NEM13', mutate(NEM13_DOC, ms))), { numRuns: 400 });
});
