// IEC 61968-9 MeterReadings import on hand-written documents in the message structure of the 2011
// MeterReadings schema (element names and order as in its JAXB binding, see the decision note), in
// a 61968-100 message envelope or bare, and the ways such a document is malformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMeterstackError, obis, QUALITY } from '../../model/index.ts';
import { expectCodecError, exportText, importText, points } from '../../../test/support/format-harness.ts';
import { cimExport, cimImport } from './cim-format.ts';

const read = (doc: string, opts: { meterId?: string; timeZone?: string } = {}) => importText(cimImport, doc, { source: 'm.xml', ...opts }, 29);

const rejects = (doc: string, code: string, line: number, why: RegExp, opts: { timeZone?: string } = {}): Promise<void> => expectCodecError(read(doc, opts), { code, line, source: 'm.xml', why });

const KWH_15 = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const REG_KWH = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const V_L1 = '0.0.2.6.0.1.54.0.0.0.0.0.0.0.129.0.29.0';

const message = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<msg:EventMessage xmlns:msg="http://iec.ch/TC57/2011/schema/message" xmlns:m="http://iec.ch/TC57/2011/MeterReadings#">
  <msg:Header><msg:Verb>created</msg:Verb><msg:Noun>MeterReadings</msg:Noun><msg:Timestamp>2026-03-29T06:00:00Z</msg:Timestamp></msg:Header>
  <msg:Payload>
    <m:MeterReadings>
${body}
    </m:MeterReadings>
  </msg:Payload>
</msg:EventMessage>
`;

const ir = (ts: string, value: string | null, ...q: string[]) =>
  `<m:IntervalReadings><m:timeStamp>${ts}</m:timeStamp>${value === null ? '' : `<m:value>${value}</m:value>`}${q.map((c) => `<m:ReadingQualities><m:ReadingQualityType ref="${c}"/></m:ReadingQualities>`).join('')}</m:IntervalReadings>`;

const DOC = message(`      <m:MeterReading>
        <m:IntervalBlocks>
          ${ir('2026-03-29T01:15:00+01:00', '0.125')}
          ${ir('2026-03-29T00:30:00Z', '0.25', '1.8.0')}
          ${ir('2026-03-29T00:45:00Z', '0.0375', '3.7.0', '3.0.1')}
          ${ir('2026-03-29T01:00:00Z', null, '2.4.4')}
          ${ir('2026-03-29T01:15:00Z', '1.5E-1', '1.6.3')}
          <m:ReadingType ref="${KWH_15}"/>
        </m:IntervalBlocks>
        <m:IntervalBlocks>
          ${ir('2026-03-29T00:15:00Z', '231.4')}
          <m:ReadingType ref="${V_L1}"/>
        </m:IntervalBlocks>
        <m:Meter>
          <m:mRID>9b0c6c8e-0b5e-4c5f-9a51-6d0f3a1e2b7c</m:mRID>
          <m:Names><m:name>E0051</m:name><m:NameType><m:name>serialNumber</m:name><m:NameTypeAuthority><m:name>ACME</m:name></m:NameTypeAuthority></m:NameType></m:Names>
        </m:Meter>
        <m:Readings>
          <m:timeStamp>2026-03-29T01:15:00Z</m:timeStamp><m:value>12345.678</m:value>
          <m:ReadingType ref="${REG_KWH}"/>
        </m:Readings>
        <m:UsagePoint><m:mRID>UP-1</m:mRID></m:UsagePoint>
      </m:MeterReading>`);

const T = Date.UTC(2026, 2, 29) / 1000;

test('a MeterReadings event message: interval blocks, registers, qualities, kWh scaled to Wh, meter named by Names/name', async () => {
  const got = await read(DOC, { timeZone: 'Europe/Amsterdam' });
  assert.deepEqual(got.meters, [{ id: 'E0051', kind: 'electricity', timeZone: 'Europe/Amsterdam', status: 'active' }]);
  // The register shares the 1-0:1.8.0 interval channel.
  assert.deepEqual(got.channels.map((c) => [c.obis, c.intervalS, c.unit]), [['1-0:1.8.0.255', 900, 'Wh'], ['1-0:32.7.0.255', 900, 'mV']]);
  assert.deepEqual(points(got.series).map((p) => [p.channel, p.start - T, p.value, p.quality]), [
    ['1-0:1.8.0.255', 0, 125, QUALITY.A],
    ['1-0:1.8.0.255', 900, 250, QUALITY.E],
    ['1-0:1.8.0.255', 1800, 38, QUALITY.F], // 37.5 Wh, half to even
    ['1-0:1.8.0.255', 2700, 0, QUALITY.N],
    ['1-0:1.8.0.255', 3600, 150, QUALITY.V],
    ['1-0:32.7.0.255', 0, 231_400, QUALITY.A],
  ]);
  assert.deepEqual(got.registers, [{ meterId: 'E0051', channel: '1-0:1.8.0.255', at: T + 4500, value: 12_345_678, quality: 'A' }]);
});

test('the meter id falls back to Meter/mRID, then UsagePoint/mRID; --meter overrides', async () => {
  const noName = DOC.replace(/<m:Names>.*<\/m:Names>/, '');
  assert.equal((await read(noName)).meters[0]!.id, '9b0c6c8e-0b5e-4c5f-9a51-6d0f3a1e2b7c');
  assert.equal((await read(noName.replace(/<m:Meter>[\s\S]*<\/m:Meter>/, ''))).meters[0]!.id, 'UP-1');
  assert.equal((await read(DOC, { meterId: 'X9' })).meters[0]!.id, 'X9');
  await rejects(noName.replace(/<m:Meter>[\s\S]*<\/m:Meter>/, '').replace(/<m:UsagePoint>.*<\/m:UsagePoint>/, ''), 'CIM_BAD_DOCUMENT', 6, /names no Meter/);
});

test('a bare MeterReadings root in the 2009 namespace with the older ReadingQualities/quality element', async () => {
  const doc = `<MeterReadings xmlns="http://iec.ch/TC57/2009/MeterReadings#"><MeterReading><Meter><mRID>M7</mRID></Meter><IntervalBlocks>
    <IntervalReadings><timeStamp>2026-01-01T01:00:00Z</timeStamp><value>2</value><ReadingQualities><quality>1.8.0</quality></ReadingQualities></IntervalReadings>
    <ReadingType><mRID>0.0.7.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0</mRID></ReadingType></IntervalBlocks></MeterReading></MeterReadings>`;
  const got = await read(doc);
  assert.deepEqual(points(got.series).map((p) => [p.start, p.intervalS, p.value, p.quality]), [[Date.UTC(2026, 0, 1) / 1000, 3600, 2, QUALITY.E]]);
});

test('malformed XML and missing elements stop with CIM_BAD_DOCUMENT and the line', async () => {
  await rejects(DOC.replace('</m:IntervalBlocks>', '</m:IntervalBlock>'), 'CIM_BAD_DOCUMENT', 14, /not well-formed/);
  await rejects('<?xml version="1.0"?>\n<feed/>', 'CIM_BAD_DOCUMENT', 1, /no MeterReadings/);
  await rejects(DOC.replace(`<m:ReadingType ref="${V_L1}"/>`, ''), 'CIM_BAD_DOCUMENT', 18, /no ReadingType/);
  await rejects(DOC.replace('<m:timeStamp>2026-03-29T00:15:00Z</m:timeStamp>', ''), 'CIM_BAD_DOCUMENT', 16, /no timeStamp/);
});

test('unparseable values, times, codes and qualities stop with CIM_BAD_VALUE and the line', async () => {
  await rejects(DOC.replace('0.25', '0,25'), 'CIM_BAD_VALUE', 9, /value "0,25"/);
  await rejects(DOC.replace('0.25', 'NaN'), 'CIM_BAD_VALUE', 9, /value "NaN"/);
  await rejects(DOC.replace('0.25', '1e99'), 'CIM_BAD_VALUE', 9, /beyond/);
  await rejects(DOC.replace('2026-03-29T00:30:00Z', '2026-03-29 00:30'), 'CIM_BAD_VALUE', 9, /time stamp/);
  await rejects(DOC.replace('ref="1.8.0"', 'ref="estimated"'), 'CIM_BAD_VALUE', 9, /ReadingQualityType "estimated"/);
  await rejects(DOC.replace('2026-03-29T00:30:00Z', '2026-03-29T00:37:00Z'), 'CIM_BAD_VALUE', 9, /not on the 900 s grid/);
  await rejects(DOC.replace('2026-03-29T00:30:00Z', '2026-03-29T00:30:00'), 'CIM_BAD_VALUE', 9, /no UTC offset/);
  assert.equal(points((await read(DOC.replace('2026-03-29T00:30:00Z', '2026-03-29T01:30:00'), { timeZone: 'Europe/Amsterdam' })).series)[1]!.start, T + 900);
});

test('ReadingTypes without a canonical channel stop with CIM_UNSUPPORTED_READING_TYPE', async () => {
  await rejects(DOC.replace(KWH_15, '11.0.0.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0'), 'CIM_UNSUPPORTED_READING_TYPE', 13, /no canonical channel/);
  await rejects(DOC.replace(REG_KWH, KWH_15), 'CIM_UNSUPPORTED_READING_TYPE', 25, /interval data/);
});

test('export refuses two channels that share a ReadingType code', async () => {
  const s = (code: string) => ({ meterId: 'M', channel: obis(code), start: T, intervalS: 900, values: Float64Array.of(1), quality: Uint8Array.of(0) });
  await assert.rejects(exportText(cimExport, { id: 'M', kind: 'electricity', timeZone: 'UTC', status: 'active' }, [s('1-0:1.8.0'), s('1-1:1.8.0')], T, T + 900),
    (e: unknown) => isMeterstackError(e) && e.code === 'CIM_UNSUPPORTED_READING_TYPE' && /1-0:1\.8\.0 and 1-1:1\.8\.0/.test(e.message));
});
