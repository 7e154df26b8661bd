// Green Button and CIM end to end through the CLI, as a user runs it: import a real Green Button
// feed from the shared corpus into an empty data directory, export it as Green Button (validated
// with xmllint against the ESPI XSD) and as CIM MeterReadings, import each export into a fresh
// data directory and find exactly the same data there. A file meterstack cannot store stops
// with its code, file and line, and stores nothing.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, killAll, runCli, tempDir } from './process.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/greenbutton/', import.meta.url));
const XSD = fileURLToPath(new URL('../../../shared/schemas/espi/espi.xsd', import.meta.url));
const FEED = `${CORPUS}vladistan__electricity__Coastal_Multi_Family_12hr_Jan_1_2011_to_Jan_1_2012_RetailCustomer_3.xml`;
const METER = 'RetailCustomer:3:UsagePoint:1';
const FROM = '2011-01-01T00:00:00-08:00';
const TO = '2011-01-08T00:00:00-08:00';
const STEP = { timeout: 180_000 };
const env = childEnv();

after(killAll);

const summary = (out: string) => {
  const m = /imported (\d+)\/(\d+) files, (\d+) readings: (\d+) accepted .* (\d+) rejected/.exec(out);
  assert.ok(m, `a summary line:\n${out}`);
  return { files: Number(m[1]), readings: Number(m[3]), accepted: Number(m[4]), rejected: Number(m[5]) };
};

describe('meterstack import / export of Green Button and CIM XML', () => {
  const a = tempDir('e2e-xml-a');
  const b = tempDir('e2e-xml-b');
  const c = tempDir('e2e-xml-c');
  after(() => { a.remove(); b.remove(); c.remove(); });

  const exportAs = async (dir: string, format: string, extra: string[] = []): Promise<string> => {
    const r = await runCli(['export', '--meter', METER, '--from', FROM, '--to', TO, '--format', format, '--data', dir, ...extra], env);
    assert.equal(r.code, 0, `export --format ${format} exits 0\n${r.stderr}`);
    return r.stdout;
  };

  it('imports a corpus Green Button feed (format sniffed), registering its meter and channel', STEP, async () => {
    const r = await runCli(['import', FEED, '--data', a.dir], env);
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.deepEqual(summary(r.stdout), { files: 1, readings: 8760, accepted: 8760, rejected: 0 });
    assert.match(r.stdout, /registered 1 new meters and 1 new channels/);
  });

  it('exports a week as Green Button that validates against the ESPI XSD, with the corpus values', STEP, async () => {
    const doc = await exportAs(a.dir, 'greenbutton');
    const file = join(a.dir, 'week.xml');
    writeFileSync(file, doc);
    const v = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.equal(doc.match(/<IntervalReading>/g)?.length, 7 * 24);
    assert.equal(doc.match(/<IntervalBlock /g)?.length, 7, 'one block per local day');
    assert.match(doc, /<dstEndRule>B40E2000<\/dstEndRule><dstOffset>3600<\/dstOffset><dstStartRule>360E2000<\/dstStartRule><tzOffset>-28800<\/tzOffset>/);
    // The first hours of 2011-01-01 PST, as the corpus has them (450, 430, 418, 410 Wh).
    assert.match(doc, /<start>1293868800<\/start><\/timePeriod><value>450<\/value>.*<value>430<\/value>.*<value>418<\/value>.*<value>410<\/value>/s);
  });

  it('exports the same week as CIM MeterReadings with ReadingType codes', STEP, async () => {
    const doc = await exportAs(a.dir, 'cim');
    assert.match(doc, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<MeterReadings xmlns="http:\/\/iec.ch\/TC57\/2011\/MeterReadings#">/);
    assert.equal(doc.match(/<IntervalReadings>/g)?.length, 7 * 24);
    assert.equal(doc.match(/<ReadingType ref="0\.0\.7\.4\.1\.1\.12\.0\.0\.0\.0\.0\.0\.0\.0\.0\.72\.0"\/>/g)?.length, 7);
    assert.match(doc, /<timeStamp>2011-01-01T09:00:00Z<\/timeStamp><value>450<\/value>/);
    assert.match(doc, new RegExp(`<Meter><mRID>${METER}</mRID><Names><name>${METER}</name></Names></Meter>`));
  });

  it('each export imports into a fresh data directory and gives back exactly the same week', STEP, async () => {
    const want = await exportAs(a.dir, 'csv');
    assert.equal(want.trimEnd().split('\n').length, 1 + 7 * 24);
    for (const [format, dir, extra] of [['greenbutton', b.dir, []], ['cim', c.dir, ['--time-zone', 'America/Los_Angeles']]] as const) {
      const file = join(dir, `week.${format}.xml`);
      writeFileSync(file, await exportAs(a.dir, format));
      const r = await runCli(['import', file, '--data', dir, ...extra], env);
      assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
      assert.deepEqual(summary(r.stdout), { files: 1, readings: 168, accepted: 168, rejected: 0 });
      assert.equal(await exportAs(dir, 'csv'), want, `${format} round trip`);
      // The meter comes back with its zone: from LocalTimeParameters (Green Button) or --time-zone (CIM).
      assert.match(await exportAs(dir, 'greenbutton'), /<title>America\/Los_Angeles<\/title>/);
    }
  });

  it('a feed of daily readings stops with its code, file and line, and stores nothing', STEP, async () => {
    const bad = `${CORPUS}vladistan__electricity__TestGBDataOneYearDailyBinnedMonthly.xml`;
    const r = await runCli(['import', bad, '--data', b.dir], env);
    assert.notEqual(r.code, 0);
    assert.equal(r.signal, null);
    assert.match(r.stderr, /GREENBUTTON_UNSUPPORTED_INTERVAL/);
    assert.match(r.stderr, /TestGBDataOneYearDailyBinnedMonthly\.xml/);
    assert.match(r.stderr, /line 139\b/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.match(r.stdout, /imported 0\/1 files, 0 readings/);
    const m = await runCli(['export', '--meter', 'RetailCustomer:2:UsagePoint:2', '--from', FROM, '--to', TO, '--data', b.dir], env);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /METER_NOT_FOUND/);
  });

  it('a malformed CIM file stops with CIM_BAD_DOCUMENT and the line', STEP, async () => {
    const file = join(c.dir, 'broken.xml');
    writeFileSync(file, readFileSync(join(c.dir, 'week.cim.xml'), 'utf8').replace('</IntervalBlocks>', '</IntervalBlock>'));
    const r = await runCli(['import', file, '--data', c.dir, '--time-zone', 'America/Los_Angeles'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /CIM_BAD_DOCUMENT \(.*broken\.xml, line 30\): not well-formed XML: unexpected close tag/);
  });
});
