import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode, QUALITY } from '../../model/index.ts';
import { BATCH_READINGS } from './decoder.ts';
import { type ErrorCase, decodeText, failsAs, flatten, formatNem12 } from './nem12.fixture.ts';

const AEST = 36_000;
const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / 1000 - AEST;
const v48 = (x: string): string => Array(48).fill(x).join(',');
const doc = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;
const H = '100,NEM12,200405011135,MDA1,Ret1';
const D200 = '200,VABD000163,E1Q1,1,E1,N1,METSER123,kWh,30,';

describe('NEM12 decoding', () => {
  it('one day of 30-minute kWh: AEST interval-ending times, Wh integers, the meter and channel it describes', () => {
    const [b, ...rest] = decodeText('NEM12', doc(H, D200, `300,20040201,${v48('1.111')},A,,,20040202120025,20040202142516`, '900'));
    assert.equal(rest.length, 0);
    const s = b!.series![0]!;
    assert.equal(s.meterId, 'VABD000163');
    assert.equal(s.channel, '1-0:1.8.0.255');
    assert.equal(s.intervalS, 1800);
    // Interval 1 ends 00:30 AEST on 1 Feb 2004 = 14:30 UTC on 31 Jan; the series starts at 00:00 AEST.
    assert.equal(s.start, day(2004, 2, 1));
    assert.equal(s.start, Date.UTC(2004, 0, 31, 14) / 1000);
    assert.deepEqual([...s.values], Array(48).fill(1111));
    assert.ok(s.quality.every((q) => q === QUALITY.A));
    assert.equal(s.reason, undefined);
    assert.deepEqual(b!.meters, [{ id: 'VABD000163', kind: 'electricity', servicePoint: 'VABD000163', protocol: 'nem12', timeZone: 'Australia/Brisbane', status: 'active' }]);
    assert.deepEqual(b!.channels, [{ meterId: 'VABD000163', obis: '1-0:1.8.0.255', unit: 'Wh', intervalS: 1800, readingType: '0.0.5.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0' }]);
    assert.equal(b!.line, 4);
  });

  it('5, 15 and 30 minutes give 288, 96 and 48 values a day', () => {
    for (const [min, n] of [[5, 288], [15, 96], [30, 48]] as const) {
      const vals = Array.from({ length: n }, (_, i) => String(i)).join(',');
      const [b] = decodeText('NEM12', doc(H, `200,N1,E1,1,E1,,,Wh,${min},`, `300,20240101,${vals},A,,,,`, '900'));
      assert.equal(b!.series![0]!.values.length, n);
      assert.equal(b!.series![0]!.values[n - 1], n - 1);
    }
  });

  it('400 records give each interval its flag and reason (V day)', () => {
    const text = doc(H, '200,CCCC123456,E1,001,E1,N1,METSER123,kWh,30,', `300,20040417,${v48('18.023')},V,,,20040418203500,20040419003500`,
      '400,1,20,F14,76,', '400,21,24,A,,', '400,25,48,S14,1,', '900');
    const s = decodeText('NEM12', text)[0]!.series![0]!;
    assert.equal(s.quality[0], QUALITY.F);
    assert.equal(s.quality[19], QUALITY.F);
    assert.equal(s.quality[20], QUALITY.A);
    assert.equal(s.quality[23], QUALITY.A);
    assert.equal(s.quality[24], QUALITY.S);
    assert.equal(s.quality[47], QUALITY.S);
    assert.deepEqual([s.reason![0], s.reason![19], s.reason![20], s.reason![24], s.reason![47]], [76, 76, 0, 1, 1]);
  });

  it('a whole-day flag and reason apply to every interval; E, F, N map to their QUALITY codes', () => {
    for (const [qm, code] of [['E52', QUALITY.E], ['F14', QUALITY.F], ['S15', QUALITY.S], ['N', QUALITY.N]] as const) {
      const s = decodeText('NEM12', doc(H, D200, `300,20040201,${v48('0')},${qm},${qm === 'N' ? '' : '13'},,,`, '900'))[0]!.series![0]!;
      assert.ok(s.quality.every((q) => q === code), qm);
      if (qm !== 'N') assert.ok(s.reason!.every((r) => r === 13));
    }
  });

  it('consecutive days of one stream are one series, even with a 200 repeated per day and 500 records between', () => {
    const text = doc(H, D200, `300,20050310,${v48('1')},A,,,,`, '500,N,,20050311062000,1000', D200, `300,20050311,${v48('2')},A,,,,`, '500,E,,,',
      D200, `300,20050313,${v48('3')},A,,,,`, '900');
    const series = decodeText('NEM12', text)[0]!.series!;
    assert.equal(series.length, 2, 'the gap on 12 March starts a new series');
    assert.equal(series[0]!.values.length, 96);
    assert.equal(series[1]!.start, day(2005, 3, 13));
  });

  it('E1 and E2 of one NMI are two channels of one meter', () => {
    const text = doc(H, D200, `300,20040201,${v48('1')},A,,,,`, '200,VABD000163,E1E2,2,E2,N2,METSER123,kWh,30,', `300,20040201,${v48('2')},A,,,,`, '900');
    const [b] = decodeText('NEM12', text);
    assert.deepEqual(b!.series!.map((s) => s.channel), ['1-0:1.8.0.255', '1-2:1.8.0.255']);
    assert.deepEqual(b!.meters!.map((m) => m.id), ['VABD000163']);
    assert.equal(b!.channels!.length, 2);
  });

  it('large files come in batches whose bytes concatenate to the file; each batch names its meters and channels', () => {
    const days = Math.ceil((BATCH_READINGS * 2.5) / 48);
    const streams = [{ nmi: 'NMI0000001', suffix: 'E1', uom: 'kWh', minutes: 30, days: Array.from({ length: days }, (_, d) => ({ date: dateAfter(d), values: Array(48).fill(d), quality: d % 7 === 0 ? [{ from: 1, to: 48, qm: 'A' }] : 'A' })) }];
    const text = formatNem12(streams);
    const batches = decodeText('NEM12', text);
    assert.ok(batches.length >= 2, `${batches.length} batches`);
    assert.equal(Buffer.concat(batches.map((b) => b.bytes)).toString('latin1'), text);
    for (const b of batches) {
      assert.deepEqual(b.meters!.map((m) => m.id), ['NMI0000001']);
      assert.equal(b.channels!.length, 1);
      assert.ok((b.series?.length ?? 0) > 0);
    }
    assert.equal(flatten(batches).size, days * 48);
    assert.equal(batches.at(-1)!.line, text.split('\n').length - 1);
  });

  it('values more precise than a Wh are rounded half to even; a BOM and LF line ends are fine', () => {
    const text = `\uFEFF${H}\n200,N1,E1,1,E1,,,kWh,30,\n300,20240101,0.0005,0.0015,${Array(46).fill('0.00049').join(',')},A,,,,\n900\n`;
    const s = decodeChunksUtf8(text)[0]!.series![0]!;
    assert.deepEqual([s.values[0], s.values[1], s.values[2]], [0, 2, 0]);
  });
});

function dateAfter(n: number): string {
  const d = new Date(Date.UTC(2020, 0, 1) + n * 86_400_000);
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

function decodeChunksUtf8(text: string) {
  return decodeText('NEM12', Buffer.from(text, 'utf8').toString('latin1'));
}

describe('NEM12 errors name the line and say what to fix', () => {
  const cases: ErrorCase[] = [
    { name: 'no 100 header first', lines: [D200, `300,20040201,${v48('1')},A,,,,`, '900'], code: 'NEM12_BAD_SEQUENCE', line: 1, msg: /must start with a 100 header/ },
    { name: '300 before any 200', lines: [H, `300,20040201,${v48('1')},A,,,,`, '900'], code: 'NEM12_BAD_SEQUENCE', line: 2, msg: /300 record before any 200/ },
    { name: '200 without 300', lines: [H, D200, D200, '900'], code: 'NEM12_BAD_SEQUENCE', line: 3, msg: /200 record on line 2 has no 300/ },
    { name: 'two 100 headers', lines: [H, D200, `300,20040201,${v48('1')},A,,,,`, H, '900'], code: 'NEM12_BAD_SEQUENCE', line: 4, msg: /second 100 header/ },
    { name: 'no 900 at the end', lines: [H, D200, `300,20040201,${v48('1')},A,,,,`], code: 'NEM12_BAD_SEQUENCE', line: 3, msg: /without the 900/ },
    { name: 'a record after 900', lines: [H, D200, `300,20040201,${v48('1')},A,,,,`, '900', D200], code: 'NEM12_BAD_SEQUENCE', line: 5, msg: /after the 900/ },
    { name: 'no data at all', lines: [H, '900'], code: 'NEM12_BAD_SEQUENCE', line: 2, msg: /at least one 200/ },
    { name: 'unknown record', lines: [H, '150,x', '900'], code: 'NEM12_UNKNOWN_RECORD', line: 2, msg: /"150" is not a NEM12 record indicator/ },
    { name: 'a NEM13 record in a NEM12 file', lines: [H, D200, `300,20040201,${v48('1')},A,,,,`, '250,X', '900'], code: 'NEM_MIXED_VERSIONS', line: 4, msg: /250 record is NEM13/ },
    { name: 'a NEM13 header read as NEM12', lines: ['100,NEM13,200405011135,MDA1,Ret1', '900'], code: 'NEM_MIXED_VERSIONS', line: 1, msg: /--format nem13/ },
    { name: 'too few values', lines: [H, D200, `300,20040201,${Array(47).fill('1').join(',')},A,,,,`, '900'], code: 'NEM12_BAD_RECORD', line: 3, msg: /has 47 interval values.*48 values/ },
    { name: 'too many values', lines: [H, D200, `300,20040201,${Array(96).fill('1').join(',')},A,,,,`, '900'], code: 'NEM12_BAD_RECORD', line: 3, msg: /more than 48 interval values/ },
    { name: 'a value that is not a number', lines: [H, D200, `300,20040201,${v48('1').replace(/^1,1,1/, '1,1,12x4')},A,,,,`, '900'], code: 'NEM12_BAD_RECORD', line: 3, msg: /interval value 3 "12x4"/ },
    { name: 'a bad date', lines: [H, D200, `300,20040231,${v48('1')},A,,,,`, '900'], code: 'NEM12_BAD_RECORD', line: 3, msg: /IntervalDate "20040231"/ },
    { name: 'a bad interval length', lines: [H, D200.replace(',30,', ',20,'), '900'], code: 'NEM12_BAD_RECORD', line: 2, msg: /IntervalLength "20"/ },
    { name: 'a bad quality flag', lines: [H, D200, `300,20040201,${v48('1')},X,,,,`, '900'], code: 'NEM12_BAD_RECORD', line: 3, msg: /quality flag/ },
    { name: 'substituted without method', lines: [H, D200, `300,20040201,${v48('1')},S,,,,`, '900'], code: 'NEM12_BAD_RECORD', line: 3, msg: /needs a two-digit method flag/ },
    { name: '400 after a 300 that is not V', lines: [H, D200, `300,20040201,${v48('1')},A,,,,`, '400,1,48,A,,', '900'], code: 'NEM12_BAD_SEQUENCE', line: 4, msg: /quality is V/ },
    { name: 'V day not fully covered', lines: [H, D200, `300,20040201,${v48('1')},V,,,,`, '400,1,47,A,,', '900'], code: 'NEM12_BAD_SEQUENCE', line: 5, msg: /line 3 .* cover only intervals 1–47 of 48/ },
    { name: '400 range beyond the day', lines: [H, D200, `300,20040201,${v48('1')},V,,,,`, '400,1,24,A,,', '400,25,96,A,,', '900'], code: 'NEM12_BAD_RECORD', line: 5, msg: /EndInterval 96 is outside 25..48/ },
    { name: '400 ranges with a gap', lines: [H, D200, `300,20040201,${v48('1')},V,,,,`, '400,1,24,A,,', '400,26,48,A,,', '900'], code: 'NEM12_BAD_RECORD', line: 5, msg: /expected StartInterval 25, got 26/ },
    { name: 'an unsupported data stream', lines: [H, D200.replace(',E1,', ',A1,'), '900'], code: 'NEM12_UNSUPPORTED_CHANNEL', line: 2, msg: /A1 \(average import Wh\)/ },
    { name: 'a bad B2B transaction code', lines: [H, D200, `300,20040201,${v48('1')},A,,,,`, '500,Z,,,', '900'], code: 'NEM12_BAD_RECORD', line: 4, msg: /TransCode "Z"/ },
  ];
  for (const c of cases) it(c.name, () => assert.throws(() => decodeText('NEM12', doc(...c.lines)), failsAs(c)));

  it('an empty input is an error at line 1', () => {
    assert.throws(() => decodeText('NEM12', ''), (e) => hasCode(e, 'NEM12_BAD_SEQUENCE') && e.line === 1);
  });
});
