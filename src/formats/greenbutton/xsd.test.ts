// Exports validate against the NAESB ESPI 4.0 XSD (../shared/schemas/espi/espi.xsd, which imports
// atom.xsd) with xmllint, offline, for real: every channel of the OBIS table, several zones, and
// every quality. A deliberately broken export must fail, so the check can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OBIS_TABLE, localDateStart, type IntervalSeries, type Meter, type MeterKind } from '../../model/index.ts';
import { exportText } from '../../../test/support/format-harness.ts';
import { greenbuttonExport } from './greenbutton-format.ts';

const XSD = fileURLToPath(new URL('../../../../shared/schemas/espi/espi.xsd', import.meta.url));

function xmllint(doc: string): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-xsd-'));
  try {
    const file = join(dir, 'export.xml');
    writeFileSync(file, doc);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kindOf = (commodity: number): MeterKind => (commodity === 7 ? 'gas' : commodity === 9 ? 'water' : 'electricity');

function exportOf(kind: MeterKind, zone: string, date: string, intervalS: number): Promise<string> {
  const from = localDateStart(date, zone);
  const to = from + 86_400;
  const series: IntervalSeries[] = [...OBIS_TABLE.values()].filter((d) => kindOf(d.commodity) === kind).map((d, k) => ({
    meterId: 'M', channel: d.obis, start: from, intervalS, values: Float64Array.from({ length: (to - from) / intervalS }, (_, i) => (i * 37 + k) % 5000 - 100),
    quality: Uint8Array.from({ length: (to - from) / intervalS }, (_, i) => i % 6),
  }));
  const meter: Meter = { id: `XSD <${kind}> & "${zone}"`, kind, timeZone: zone, status: kind === 'water' ? 'inactive' : 'active' };
  return exportText(greenbuttonExport, meter, series, from, to);
}

test('xmllint is installed (Debian libxml2-utils)', () => {
  const r = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, 'xmllint --version');
});

for (const [kind, zone, date, intervalS] of [
  ['electricity', 'Europe/Amsterdam', '2026-03-29', 900], ['electricity', 'America/New_York', '2026-11-01', 3600],
  ['gas', 'Asia/Kolkata', '2026-06-01', 1800], ['water', 'UTC', '2026-01-01', 300], ['electricity', 'Australia/Sydney', '2026-10-04', 1800],
] as const) {
  test(`${kind} export in ${zone} (${date}, ${intervalS} s, every channel and quality) validates against espi.xsd`, async () => {
    const doc = await exportOf(kind, zone, date, intervalS);
    const r = xmllint(doc);
    assert.ok(r.ok, r.out);
    assert.match(r.out, /validates/);
  });
}

test('an export broken on purpose does not validate (the check can fail)', async () => {
  const doc = await exportOf('electricity', 'Europe/Amsterdam', '2026-06-01', 900);
  for (const broken of [
    doc.replace(/<timePeriod>(.*?)<\/timePeriod><value>(.*?)<\/value>/, '<value>$2</value><timePeriod>$1</timePeriod>'),
    doc.replace('<kind>0</kind>', '<kind>x</kind>'),
    doc.replace(/ type="espi-entry\/UsagePoint"/, ''),
  ]) {
    assert.notEqual(broken, doc);
    const r = xmllint(broken);
    assert.equal(r.ok, false, 'xmllint rejects it');
    assert.match(r.out, /fails to validate/);
  }
});
