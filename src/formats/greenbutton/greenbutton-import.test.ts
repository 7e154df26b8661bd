// Green Button import on hand-written documents: the shapes real feeds take (bare ESPI elements,
// one entry, links after the content, readings without timePeriod, register readings, units that
// need converting) and the ways a file is malformed, each with its code and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY } from '../../model/index.ts';
import { expectCodecError, importText, points } from '../../../test/support/format-harness.ts';
import { greenbuttonImport } from './greenbutton-format.ts';
import { meterIdOfUsagePoint } from './feed-import.ts';

const ESPI = 'xmlns="http://naesb.org/espi"';
const read = (doc: string, opts: { meterId?: string; timeZone?: string } = {}) => importText(greenbuttonImport, doc, { source: 't.xml', ...opts }, 37);

const rejects = (doc: string, code: string, line: number, why: RegExp): Promise<void> => expectCodecError(read(doc), { code, line, source: 't.xml', why });

const reading = (start: number, value: string | number, extra = ''): string =>
  `<IntervalReading>${extra}<timePeriod><duration>900</duration><start>${start}</start></timePeriod><value>${value}</value></IntervalReading>`;

const T0 = 1_774_738_800; // 2026-03-28T23:00:00Z, on the 900 s grid

/** A feed in the shape of the gas corpus files: Atom prefix, links after content, blocks before their ReadingType. */
const feed = (rt: string, readings: string, up = '<ServiceCategory><kind>0</kind></ServiceCategory>') => `<?xml version="1.0"?>
<atom:feed xmlns:atom="http://www.w3.org/2005/Atom" xmlns:ns="http://naesb.org/espi">
  <atom:id>urn:uuid:1</atom:id>
  <atom:entry>
    <atom:content><ns:UsagePoint>${up.replace(/<(\/?)/g, '<$1ns:')}</ns:UsagePoint></atom:content>
    <atom:link href="/r/User/7/UsagePoint/A" rel="self"/>
    <atom:link href="/r/User/7/UsagePoint/A/MeterReading" rel="related"/>
  </atom:entry>
  <atom:entry>
    <atom:content><ns:IntervalBlock>${readings.replace(/<(\/?)/g, '<$1ns:')}</ns:IntervalBlock></atom:content>
    <atom:link href="/r/User/7/UsagePoint/A/MeterReading/1/IntervalBlock/1" rel="self"/>
  </atom:entry>
  <atom:entry>
    <atom:content><ns:MeterReading/></atom:content>
    <atom:link href="/r/User/7/UsagePoint/A/MeterReading/1" rel="self"/>
    <atom:link href="/r/User/7/UsagePoint/A/MeterReading" rel="up"/>
    <atom:link href="/r/ReadingType/9" rel="related"/>
  </atom:entry>
  <atom:entry>
    <atom:content><ns:ReadingType>${rt.replace(/<(\/?)/g, '<$1ns:')}</ns:ReadingType></atom:content>
    <atom:link href="/r/ReadingType/9" rel="self"/>
  </atom:entry>
</atom:feed>
`;

test('entries in any order, links after content: blocks wait for their MeterReading and ReadingType', async () => {
  const doc = feed('<flowDirection>19</flowDirection><powerOfTenMultiplier>3</powerOfTenMultiplier><uom>72</uom>',
    reading(T0, 1) + reading(T0 + 900, '2', '<ReadingQuality><quality>8</quality></ReadingQuality>') + reading(T0 + 1800, '0.0015'));
  const got = await read(doc);
  assert.deepEqual(got.meters, [{ id: 'r:User:7:UsagePoint:A', kind: 'electricity', timeZone: 'UTC', status: 'active' }]);
  assert.deepEqual(got.channels.map((c) => [c.obis, c.intervalS, c.unit, c.readingType]), [['1-0:2.8.0.255', 900, 'Wh', '0.0.2.4.19.1.12.0.0.0.0.0.0.0.0.0.72.0']]);
  // kWh × 10^3 → Wh; 0.0015 kWh = 1.5 Wh rounds half to even: 2.
  assert.deepEqual(points(got.series).map((p) => [p.start, p.value, p.quality]), [[T0, 1000, 0], [T0 + 900, 2000, QUALITY.E], [T0 + 1800, 2, 0]]);
});

test('--time-zone is used when the feed has no LocalTimeParameters; --meter names the meter', async () => {
  const got = await read(feed('<uom>72</uom>', reading(T0, 5)), { meterId: 'E42', timeZone: 'Europe/Amsterdam' });
  assert.deepEqual(got.meters.map((m) => [m.id, m.timeZone]), [['E42', 'Europe/Amsterdam']]);
});

test('gas in cubic feet becomes litres, exactly; water in US gallons likewise', async () => {
  const gas = await read(feed('<commodity>7</commodity><powerOfTenMultiplier>2</powerOfTenMultiplier><uom>119</uom>', reading(T0, 3), '<ServiceCategory><kind>1</kind></ServiceCategory>'));
  assert.equal(gas.meters[0]!.kind, 'gas');
  assert.equal(gas.channels[0]!.obis, '7-0:3.0.0.255');
  assert.equal(points(gas.series)[0]!.value, 8495); // 3 × 10^2 ft³ = 8495.05 L
  const water = await read(feed('<uom>128</uom>', reading(T0, 10), '<ServiceCategory><kind>2</kind></ServiceCategory>'));
  assert.equal(water.channels[0]!.obis, '8-0:1.0.0.255');
  assert.equal(points(water.series)[0]!.value, 38); // 37.854 L
});

test('voltage per phase in V × 10^-1 becomes mV; bulkQuantity readings become registers', async () => {
  const v = await read(feed('<phase>65</phase><powerOfTenMultiplier>-1</powerOfTenMultiplier><uom>29</uom>', reading(T0, 2301)));
  assert.equal(v.channels[0]!.obis, '1-0:52.7.0.255');
  assert.equal(points(v.series)[0]!.value, 230_100);
  const reg = await read(feed('<accumulationBehaviour>1</accumulationBehaviour><uom>72</uom><powerOfTenMultiplier>3</powerOfTenMultiplier>', reading(T0, 12345)));
  assert.deepEqual(reg.registers, [{ meterId: 'r:User:7:UsagePoint:A', channel: '1-0:1.8.0.255', at: T0 + 900, value: 12_345_000, quality: 'A' }]);
  assert.deepEqual(reg.channels.map((c) => [c.obis, c.intervalS, c.readingType]), [['1-0:1.8.0.255', 0, '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.0.72.0']]);
});

test('entries without links resolve to the only MeterReading; readings without timePeriod follow the interval start', async () => {
  const doc = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="UsagePoint/B-1"/><content><UsagePoint ${ESPI}/></content></entry>
    <entry><content><MeterReading ${ESPI}/></content></entry>
    <entry><content><ReadingType ${ESPI}><intervalLength>3600</intervalLength><uom>72</uom></ReadingType></content></entry>
    <entry><content><IntervalBlock ${ESPI}><interval><duration>7200</duration><start>${T0 + 3600}</start></interval>
      <IntervalReading><value>7</value></IntervalReading><IntervalReading><value>8</value></IntervalReading><IntervalReading/></IntervalBlock></content></entry></feed>`;
  const got = await read(doc);
  assert.equal(got.meters[0]!.id, 'B-1');
  assert.deepEqual(points(got.series).map((p) => [p.start, p.intervalS, p.value, p.quality]),
    [[T0 + 3600, 3600, 7, 0], [T0 + 7200, 3600, 8, 0], [T0 + 10_800, 3600, 0, QUALITY.N]]);
});

test('bare ESPI: a lone IntervalBlock has no ReadingType to read it by; a lone ReadingType yields nothing', async () => {
  await rejects(`<IntervalBlock ${ESPI}>\n${reading(T0, 1)}</IntervalBlock>`, 'GREENBUTTON_BAD_DOCUMENT', 1, /cannot be placed.*0 MeterReadings/);
  assert.deepEqual((await read(`<ReadingType ${ESPI}><uom>72</uom></ReadingType>`)).batches, []);
});

test('a single Atom entry as the document root', async () => {
  const doc = `<entry xmlns="http://www.w3.org/2005/Atom"><content><IntervalBlock ${ESPI}>${reading(T0, 1)}</IntervalBlock></content></entry>`;
  await rejects(doc, 'GREENBUTTON_BAD_DOCUMENT', 1, /cannot be placed/);
});

test('qualities map to canonical flags (edited+validated = F, mixed = V)', async () => {
  const q = (...c: number[]) => c.map((x) => `<ReadingQuality><quality>${x}</quality></ReadingQuality>`).join('');
  const doc = feed('<uom>72</uom>', [q(), q(0), q(7), q(7, 17), q(9), q(13), q(19), q(10)].map((x, i) => reading(T0 + i * 900, i, x)).join(''));
  assert.deepEqual(points((await read(doc)).series).map((p) => p.quality), [0, 0, 1, 3, 2, 5, 0, 5]);
});

test('links that point back (MeterReading → UsagePoint, IntervalBlock → MeterReading) place blocks too', async () => {
  const entry = (self: string, related: string[], content: string) =>
    `<entry><id>urn:uuid:${self}</id><link rel="self" href="https://u.example/${self}"/>${related.map((r) => `<link rel="related" href="https://u.example/${r}"/>`).join('')}<content>${content}</content></entry>`;
  const doc = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">
    ${entry('points/P9', [], '<espi:UsagePoint><espi:ServiceCategory><espi:kind>0</espi:kind></espi:ServiceCategory></espi:UsagePoint>')}
    ${entry('readings/R1', ['points/P9', 'types/T1'], '<espi:MeterReading/>')}
    ${entry('readings/R2', ['points/P9', 'types/T2'], '<espi:MeterReading/>')}
    ${entry('blocks/B1', ['readings/R2'], `<espi:IntervalBlock>${reading(T0, 4).replace(/<(\/?)/g, '<$1espi:')}</espi:IntervalBlock>`)}
    ${entry('types/T1', [], '<espi:ReadingType><espi:uom>72</espi:uom></espi:ReadingType>')}
    ${entry('types/T2', [], '<espi:ReadingType><espi:flowDirection>19</espi:flowDirection><espi:uom>72</espi:uom></espi:ReadingType>')}
  </feed>`;
  const got = await read(doc);
  assert.equal(got.meters[0]!.id, 'points:P9');
  assert.deepEqual(points(got.series).map((p) => [p.channel, p.value]), [['1-0:2.8.0.255', 4]]);
});

test('the meter id of a UsagePoint', () => {
  assert.equal(meterIdOfUsagePoint('https://x.org/DataCustodian/espi/1_1/resource/RetailCustomer/3/UsagePoint/1', undefined), 'RetailCustomer:3:UsagePoint:1');
  assert.equal(meterIdOfUsagePoint('https://meterstack.invalid/espi/1_1/resource/UsagePoint/A%2FB%20C', undefined), 'A/B C');
  assert.equal(meterIdOfUsagePoint('/v1/BillingAccount/12/UsagePoint/NET_USAGE/', undefined), 'v1:BillingAccount:12:UsagePoint:NET_USAGE');
  assert.equal(meterIdOfUsagePoint(undefined, ' urn:uuid:5 '), 'urn:uuid:5');
  assert.equal(meterIdOfUsagePoint(undefined, undefined), undefined);
});

test('malformed XML stops with GREENBUTTON_BAD_DOCUMENT and the line', async () => {
  await rejects(feed('<uom>72</uom>', reading(T0, 1)).replace('</atom:entry>', '</atom:entri>'), 'GREENBUTTON_BAD_DOCUMENT', 8, /not well-formed/);
  await rejects('<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<title>a &nbsp; b</title>\n</entry></feed>', 'GREENBUTTON_BAD_DOCUMENT', 3, /not well-formed/);
  await rejects('<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n', 'GREENBUTTON_BAD_DOCUMENT', 3, /not well-formed/);
  await rejects('', 'GREENBUTTON_BAD_DOCUMENT', 1, /not well-formed/);
  await rejects('<?xml version="1.0"?>\n<rss/>', 'GREENBUTTON_BAD_DOCUMENT', 2, /root element <rss>/);
});

test('missing elements and unparseable values stop with their code and line', async () => {
  await rejects(feed('<uom>72</uom>', `\n${reading(T0, 'x')}`), 'GREENBUTTON_BAD_VALUE', 11, /IntervalReading value "x"/);
  await rejects(feed('<uom>72</uom>', `\n<IntervalReading><timePeriod><start>${T0}</start></timePeriod><value>1</value></IntervalReading>`), 'GREENBUTTON_BAD_DOCUMENT', 11, /needs both start and duration/);
  await rejects(feed('<uom>72</uom><tou>x1</tou>', reading(T0, 1)), 'GREENBUTTON_BAD_VALUE', 20, /tou "x1"/);
  await rejects(feed('<uom>72</uom>', reading(T0, '1e5')), 'GREENBUTTON_BAD_VALUE', 10, /value "1e5"/);
  await rejects(feed('<uom>72</uom>', reading(T0, '99999999999999999')), 'GREENBUTTON_BAD_VALUE', 10, /not a valid number/);
  const ltp = `<entry xmlns="http://www.w3.org/2005/Atom"><content>\n<LocalTimeParameters ${ESPI}><dstOffset>3600</dstOffset></LocalTimeParameters></content></entry>`;
  await rejects(ltp, 'GREENBUTTON_BAD_DOCUMENT', 2, /lacks dstEndRule/);
});

test('what has no canonical channel stops with GREENBUTTON_UNSUPPORTED_*', async () => {
  await rejects(feed('<uom>169</uom>', reading(T0, 1)), 'GREENBUTTON_UNSUPPORTED_READING_TYPE', 20, /therm/);
  await rejects(feed('<flowDirection>4</flowDirection><uom>72</uom>', reading(T0, 1)), 'GREENBUTTON_UNSUPPORTED_READING_TYPE', 20, /net/);
  await rejects(feed('<uom>72</uom>', reading(T0, 1), '<ServiceCategory><kind>5</kind></ServiceCategory>'), 'GREENBUTTON_UNSUPPORTED_READING_TYPE', 20, /service kind 5/);
  await rejects(feed('<uom>29</uom>', reading(T0, 1)), 'GREENBUTTON_UNSUPPORTED_READING_TYPE', 20, /single phase/);
  await rejects(feed('<uom>72</uom>', reading(T0 + 60, 1)), 'GREENBUTTON_UNSUPPORTED_INTERVAL', 10, /not on the 900 s grid/);
  await rejects(feed('<uom>72</uom>', reading(T0, 1).replace('900', '86400')), 'GREENBUTTON_UNSUPPORTED_INTERVAL', 10, /86400 s \(1 day\)/);
});

test('a block that links nowhere in a feed of several MeterReadings cannot be placed', async () => {
  const doc = feed('<uom>72</uom>', reading(T0, 1))
    .replace('MeterReading/1/IntervalBlock/1', 'Elsewhere/IntervalBlock/1')
    .replace('</atom:feed>', '<atom:entry><atom:content><ns:MeterReading/></atom:content><atom:link href="/r/MR/2" rel="self"/></atom:entry></atom:feed>');
  await rejects(doc, 'GREENBUTTON_BAD_DOCUMENT', 10, /cannot be placed.*2 MeterReadings/);
});

test('XXE: a DTD entity pointing at a file is not expanded', async () => {
  const doc = `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>`;
  await rejects(doc, 'GREENBUTTON_BAD_DOCUMENT', 1, /not well-formed/);
});
