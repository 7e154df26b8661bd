import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ErrorCase, decodeText, failsAs } from './nem12.fixture.ts';

const H = '100,NEM13,200401101030,MDA1,Ret1';
const R1 = '250,VDEF005890,1141,1,11,11,MET12345,E,000888,20040108103055,A,,,000999,20040408000000,E64,,,111,kWh,20040408, 20040409000000,20040109103023';
const R2 = '250,VDEF005890,1141,2,41,41,MET5678,E,0000950,20040108103055,A,,,0010015,20040408000000,E64,,,65,kWh,20040408, 20040409000000,20040109103023';
const doc = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('NEM13 decoding', () => {
  it('each 250 gives the current register read at its read time (AEST → UTC), in Wh, with its quality', () => {
    const [b, ...rest] = decodeText('NEM13', doc(H, R1, '550,N,,E,', R2, '550,N,,E,', '900'));
    assert.equal(rest.length, 0);
    assert.equal(b!.series, undefined);
    assert.deepEqual(b!.registers, [
      { meterId: 'VDEF005890', channel: '1-11:1.8.0.255', at: Date.UTC(2004, 3, 7, 14) / 1000, value: 999_000, quality: 'E' },
      { meterId: 'VDEF005890', channel: '1-41:1.8.0.255', at: Date.UTC(2004, 3, 7, 14) / 1000, value: 10_015_000, quality: 'E' },
    ]);
    assert.deepEqual(b!.meters!.map((m) => [m.id, m.protocol, m.timeZone]), [['VDEF005890', 'nem13', 'Australia/Brisbane']]);
    assert.deepEqual(b!.channels!.map((c) => [c.obis, c.unit, c.intervalS]), [['1-11:1.8.0.255', 'Wh', 0], ['1-41:1.8.0.255', 'Wh', 0]]);
  });

  it('direction I (into the market) is a generation register', () => {
    const r = R1.replace(',11,11,MET12345,E,', ',12,12,MET12345,I,');
    assert.equal(decodeText('NEM13', doc(H, r, '900'))[0]!.registers![0]!.channel, '1-12:2.8.0.255');
  });
});

describe('NEM13 errors', () => {
  const cases: ErrorCase[] = [
    { name: 'a 550 before any 250', lines: [H, '550,N,,E,', '900'], code: 'NEM13_BAD_SEQUENCE', line: 2, msg: /before any 250/ },
    { name: 'a NEM12 record in a NEM13 file', lines: [H, R1, '300,20040101,1', '900'], code: 'NEM_MIXED_VERSIONS', line: 3, msg: /300 record is NEM12/ },
    { name: 'a NEM12 header read as NEM13', lines: ['100,NEM12,200401101030,MDA1,Ret1', '900'], code: 'NEM_MIXED_VERSIONS', line: 1, msg: /--format nem12/ },
    { name: 'quality V', lines: [H, R1.replace(',E64,', ',V,'), '900'], code: 'NEM13_BAD_RECORD', line: 2, msg: /V is not allowed in NEM13/ },
    { name: 'a bad register read', lines: [H, R1.replace(',000999,', ',99x,'), '900'], code: 'NEM13_BAD_RECORD', line: 2, msg: /CurrentRegisterRead "99x"/ },
    { name: 'a bad read time', lines: [H, R1.replace(',20040408000000,', ',20041308000000,'), '900'], code: 'NEM13_BAD_RECORD', line: 2, msg: /CurrentRegisterReadDateTime "20041308000000"/ },
    { name: 'a short 250', lines: [H, '250,VDEF005890,1141,1,11', '900'], code: 'NEM13_BAD_RECORD', line: 2, msg: /at least 20 fields/ },
    { name: 'an unknown record', lines: [H, R1, '999', '900'], code: 'NEM13_UNKNOWN_RECORD', line: 3, msg: /"999"/ },
    { name: 'a register in volts', lines: [H, R1.replace(',kWh,', ',V,'), '900'], code: 'NEM13_UNSUPPORTED_CHANNEL', line: 2, msg: /not an energy register/ },
    { name: 'no 900', lines: [H, R1], code: 'NEM13_BAD_SEQUENCE', line: 2, msg: /without the 900/ },
  ];
  for (const c of cases) it(c.name, () => assert.throws(() => decodeText('NEM13', doc(...c.lines)), failsAs(c)));
});
