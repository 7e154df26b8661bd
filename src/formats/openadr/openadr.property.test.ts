// Properties of the OpenADR codec: a generated oadrDistributeEvent reads back exactly what was
// written (any prefixes, UTC or offset times, DST-agnostic), and no input — random text or a
// mangled real document — makes the parser throw anything but an OPENADR_* MeterstackError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMeterstackError } from '../../model/index.ts';
import { durationS, parseOpenAdr } from './index.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const iso = (ms: number, offsetMin: number): string => {
  const local = new Date(ms + offsetMin * 60_000).toISOString().replace(/Z$/, '');
  if (offsetMin === 0) return `${local}Z`;
  const a = Math.abs(offsetMin);
  return `${local}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
};
const dur = (s: number): string => {
  const d = Math.floor(s / 86_400); const h = Math.floor((s % 86_400) / 3600); const m = Math.floor((s % 3600) / 60); const x = s % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${x ? `${x}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : s === 0 ? 'T0S' : ''}`;
};

const arbId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 &<>._:-]{0,20}[A-Za-z0-9]$/);
const arbEvent = fc.record({
  id: arbId,
  mod: fc.nat(1000),
  startMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }),
  offset: fc.constantFrom(0, 60, -300, 330, 120),
  status: fc.constantFrom('none', 'far', 'near', 'active', 'completed', 'cancelled'),
  intervals: fc.array(fc.record({ s: fc.integer({ min: 60, max: 86_400 * 2 }), v: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x + 0) }), { minLength: 1, maxLength: 12 }),
  vens: fc.array(arbId, { maxLength: 4 }),
  groups: fc.array(arbId, { maxLength: 3 }),
  signalName: fc.constantFrom('SIMPLE', 'ELECTRICITY_PRICE', 'LOAD_CONTROL'),
});

type Ev = typeof arbEvent extends fc.Arbitrary<infer T> ? T : never;

function doc(events: Ev[], p: string): string {
  const ev = events.map((e) => `<oadr:oadrEvent><${p}eiEvent><${p}eventDescriptor><${p}eventID>${esc(e.id)}</${p}eventID><${p}modificationNumber>${e.mod}</${p}modificationNumber>`
    + `<${p}eventStatus>${e.status}</${p}eventStatus></${p}eventDescriptor><${p}eiActivePeriod><properties xmlns="urn:ietf:params:xml:ns:icalendar-2.0">`
    + `<dtstart><date-time>${iso(e.startMs, e.offset)}</date-time></dtstart><duration><duration>${dur(e.intervals.reduce((a, b) => a + b.s, 0))}</duration></duration></properties></${p}eiActivePeriod>`
    + `<${p}eiEventSignals><${p}eiEventSignal><strm:intervals xmlns:strm="urn:ietf:params:xml:ns:icalendar-2.0:stream" xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0">`
    + e.intervals.map((iv, i) => `<${p}interval><xcal:duration><xcal:duration>${dur(iv.s)}</xcal:duration></xcal:duration><xcal:uid><xcal:text>${i}</xcal:text></xcal:uid>`
      + `<${p}signalPayload><${p}payloadFloat><${p}value>${iv.v}</${p}value></${p}payloadFloat></${p}signalPayload></${p}interval>`).join('')
    + `</strm:intervals><${p}signalName>${e.signalName}</${p}signalName><${p}signalType>level</${p}signalType><${p}signalID>s1</${p}signalID></${p}eiEventSignal></${p}eiEventSignals>`
    + `<${p}eiTarget>${e.vens.map((v) => `<${p}venID>${esc(v)}</${p}venID>`).join('')}${e.groups.map((v) => `<${p}groupID>${esc(v)}</${p}groupID>`).join('')}</${p}eiTarget></${p}eiEvent></oadr:oadrEvent>`).join('');
  const ns = p === '' ? 'xmlns="http://docs.oasis-open.org/ns/energyinterop/201110"' : `xmlns:${p.slice(0, -1)}="http://docs.oasis-open.org/ns/energyinterop/201110"`;
  return `<?xml version="1.0" encoding="UTF-8"?><oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject>`
    + `<oadr:oadrDistributeEvent ${ns}><${p}vtnID>VTN-1</${p}vtnID>${ev}</oadr:oadrDistributeEvent></oadr:oadrSignedObject></oadr:oadrPayload>`;
}

test('a generated oadrDistributeEvent reads back exactly (any prefix, any offset)', () => {
  fc.assert(fc.property(fc.array(arbEvent, { minLength: 1, maxLength: 3 }), fc.constantFrom('ei:', 'x:', ''), (events, p) => {
    const got = parseOpenAdr(doc(events, p));
    assert.equal(got.type, 'oadrDistributeEvent');
    if (got.type !== 'oadrDistributeEvent') return;
    assert.equal(got.vtnId, 'VTN-1');
    assert.deepEqual(got.events.map((e) => ({
      id: e.eventId, mod: e.modificationNumber, startMs: e.startMs, status: e.eventStatus, dur: e.durationS,
      iv: e.signals[0]!.intervals.map((i) => [i.durationS, i.value, i.uid]), vens: e.targets.venID ?? [], groups: e.targets.groupID ?? [], name: e.signals[0]!.signalName,
    })), events.map((e) => ({
      id: e.id.trim(), mod: e.mod, startMs: e.startMs, status: e.status, dur: e.intervals.reduce((a, b) => a + b.s, 0),
      iv: e.intervals.map((iv, i) => [iv.s, iv.v, i]), vens: e.vens.map((v) => v.trim()), groups: e.groups.map((v) => v.trim()), name: e.signalName,
    })));
  }), { numRuns: 150 });
});

test('durations: written in days, hours, minutes and seconds, read back as the same seconds', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 86_400 * 400 }), (s) => assert.equal(durationS(dur(s), undefined, 't'), s)));
  for (const bad of ['P', 'PT', 'P1Y', 'P1M', 'PT1.5.5S', '1H', 'PTH', '']) assert.throws(() => durationS(bad, undefined, 't'), /duration/);
  assert.equal(durationS('P1W', undefined, 't'), 7 * 86_400);
  assert.equal(durationS('-PT15M', undefined, 't'), -900);
});

const fails = (xml: string): void => {
  try {
    parseOpenAdr(xml, 'fuzz');
  } catch (e) {
    assert.ok(isMeterstackError(e) && e.code.startsWith('OPENADR_'), `unexpected ${String(e)}`);
    assert.equal(e.source, 'fuzz');
  }
};

test('fuzz: random text only ever fails with an OPENADR_* error', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (s) => fails(s)), { numRuns: 500 });
});

const PIECES = ['<', '>', '&', '&x;', '"', '</ei:eiEvent>', '<oadr:oadrEvent>', 'P', 'PT', '-', '1e400', 'T99:', '+25:00', 'Z', '\u0000', 'é', '<![CDATA[', ']]>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '&e;', '<ei:eventStatus>bogus</ei:eventStatus>', 'oadrPoll', 'NaN'];

test('fuzz: mangled real-shaped documents only ever fail with an OPENADR_* error', () => {
  const seed = doc([{ id: 'E1', mod: 1, startMs: Date.UTC(2026, 9, 25, 0, 30), offset: 60, status: 'far', intervals: [{ s: 900, v: 1 }, { s: 1800, v: 2.5 }], vens: ['V'], groups: ['G'], signalName: 'SIMPLE' }], 'ei:');
  fc.assert(fc.property(fc.array(fc.record({ at: fc.nat(), cut: fc.nat(40), piece: fc.constantFrom(...PIECES) }), { minLength: 1, maxLength: 6 }), (muts) => {
    let s = seed;
    for (const m of muts) {
      const i = m.at % (s.length + 1);
      s = s.slice(0, i) + m.piece + s.slice(Math.min(s.length, i + (m.cut % 8)));
    }
    fails(s);
  }), { numRuns: 600 });
});

test('deep nesting and huge documents are refused cheaply', () => {
  assert.throws(() => parseOpenAdr('<a>'.repeat(10_000)), (e) => isMeterstackError(e) && e.code === 'OPENADR_BAD_DOCUMENT');
  assert.throws(() => parseOpenAdr(`<a>${' '.repeat(3 * 1024 * 1024)}</a>`), (e) => isMeterstackError(e) && e.code === 'OPENADR_BAD_DOCUMENT');
});
