// Conformance over ../shared/corpus/greenbutton: every feed parses, and
// 1. the ESPI content, printed the way the upstream parser (vladistan/greenbutton_objects,
//    tests/helpers/feed_repr.py) prints it, equals the upstream expected output line by line;
// 2. the collector's counts, ReadingTypes, LocalTimeParameters and first/last raw readings match;
// 3. importing into the canonical model gives those values in Wh where meterstack can store them,
//    and a typed error naming the line where it cannot (daily and billing-period readings, therms).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMeterstackError, type IntervalSeries, type Meter } from '../../../model/index.ts';
import { greenbuttonImport } from '../greenbutton-format.ts';
import { readEspiDocument, type EspiDocument } from './espi-document.ts';

const DIR = fileURLToPath(new URL('../../../../../shared/corpus/greenbutton/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort();

// Upstream names (enums.py): its QualityOfReading names are its own, keyed by the ESPI numbers.
const SERVICE = ['ELECTRICITY', 'GAS', 'WATER', 'TIME', 'HEAT', 'REFUSE', 'SEWERAGE', 'RATES', 'TV_LICENSE', 'INTERNET'];
const QUALITY_NAME: Record<number, string> = {
  0: 'VALIDATED', 7: 'HUMAN_APPROVED', 8: 'MACHINE_COMPUTED', 9: 'INTERPOLATED', 10: 'FAILED_CHECKS', 11: 'CALCULATED', 12: 'FORECASTED',
  13: 'MIXED_QUALITY', 14: 'UNVALIDATED', 15: 'WEATHER_ADJUSTED', 16: 'OTHER', 17: 'APPROVED_EDITED', 18: 'FAILED_BUT_ACTUAL', 19: 'BILLING_ACCEPTABLE',
};
const UOM_TEXT: Record<number, [description: string, symbol: string]> = { 72: ['Real energy', ' Wh'], 169: ['Energy', ' therm'] };

/** Python's `%g`, for the values in this corpus (below 10^6). */
const pyG = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));
/** Python's str(float). */
const pyFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));
/** Python's str(timedelta(seconds=d)). */
function pyDuration(d: number): string {
  const days = Math.floor(d / 86_400);
  const r = d % 86_400;
  const hms = `${Math.floor(r / 3600)}:${String(Math.floor((r % 3600) / 60)).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}`;
  return days === 0 ? hms : `${days} day${days === 1 ? '' : 's'}, ${hms}`;
}
const utc = (t: number): string => `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
const lowestBit = (mask: number): number => 31 - Math.clz32(mask & -mask);

/** feed_repr.py over our document model, including upstream's rule "no service kind ⇒ gas in therms × 10^-3". */
function upstreamRepr(doc: EspiDocument): string[] {
  const out: string[] = [];
  for (const up of doc.usagePoints) {
    const gasDefault = up.serviceKind === undefined;
    out.push(`UsagePoint (${up.title}) Service: ${gasDefault ? 'GAS' : SERVICE[up.serviceKind!]} (-1) `);
    for (const mr of up.meterReadings) {
      const rt = mr.readingType ?? {};
      const uom = gasDefault ? 169 : Number(rt.uom ?? -1);
      const pow = gasDefault ? -3 : Number(rt.powerOfTenMultiplier ?? 0);
      const [desc, sym] = UOM_TEXT[uom]!;
      out.push(`Meter Reading (${mr.title}) ${desc}:`, '\n');
      for (const r of mr.readings) {
        out.push(`    ${utc(r.start)}, ${pyDuration(r.duration)}: ${pyG(r.mantissa * 10 ** r.exp * 10.0 ** pow)}${sym}`);
        if (!Number.isNaN(r.cost)) out.push(`($${pyFloat(r.cost / 100000)})`);
        // Upstream reports the first ReadingQuality; every reading here has at most one.
        if (r.qualityMask !== 0) out.push(` [${QUALITY_NAME[lowestBit(r.qualityMask)]}]`);
        out.push('\n\n');
      }
    }
  }
  return lines(out.join(''));
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

interface Sidecar {
  collector_summary: {
    interval_blocks: number;
    interval_readings: number;
    reading_types: Record<string, string>[];
    local_time_parameters: Record<string, string>[];
    first_reading: { start: string; duration: string; value: string; cost: string | null };
    last_reading: { start: string; duration: string; value: string; cost: string | null };
    usage_points: { title: string; service_kind: string | null }[];
  };
}

async function importAll(file: string): Promise<{ meters: Meter[]; series: IntervalSeries[] }> {
  const meters: Meter[] = [];
  const series: IntervalSeries[] = [];
  for await (const b of greenbuttonImport.read(createReadStream(`${DIR}${file}`), { source: file })) {
    meters.push(...(b.meters ?? []));
    series.push(...(b.series ?? []));
  }
  return { meters, series };
}

/** What import makes of each corpus file that meterstack cannot store as intervals, and why. */
const REJECTED: Record<string, { code: string; line: number; why: RegExp }> = {
  vladistan__abridged__gas_containerized: { code: 'GREENBUTTON_UNSUPPORTED_READING_TYPE', line: 101, why: /no uom/ },
  vladistan__natural_gas__ngma_gas_provider_2024: { code: 'GREENBUTTON_UNSUPPORTED_READING_TYPE', line: 662, why: /no uom/ },
  vladistan__abridged__gas_direct: { code: 'GREENBUTTON_UNSUPPORTED_READING_TYPE', line: 47, why: /therm/ },
  vladistan__natural_gas__ngma_natural_gas_billing: { code: 'GREENBUTTON_UNSUPPORTED_READING_TYPE', line: 47, why: /therm/ },
  vladistan__electricity__TestGBDataOneYearDailyBinnedMonthly: { code: 'GREENBUTTON_UNSUPPORTED_INTERVAL', line: 139, why: /86400 s \(1 day\)/ },
};

describe('Green Button corpus', () => {
  it('the corpus is there', () => assert.equal(FILES.length, 9));

  for (const file of FILES) {
    const base = file.replace(/\.xml$/, '');
    const sidecar = JSON.parse(readFileSync(`${DIR}${base}.expected.json`, 'utf8')) as Sidecar;
    const expectedText = readFileSync(`${DIR}${base}.expected.txt`, 'utf8');

    describe(base, () => {
      it('prints exactly what the upstream parser printed', async () => {
        const doc = await readEspiDocument(`${DIR}${file}`);
        assert.deepEqual(upstreamRepr(doc), lines(expectedText));
      });

      it('matches the collector summary (counts, ReadingType, LocalTimeParameters, first and last reading)', async () => {
        const doc = await readEspiDocument(`${DIR}${file}`);
        const sum = sidecar.collector_summary;
        assert.equal(doc.blocks, sum.interval_blocks);
        assert.equal(doc.readings, sum.interval_readings);
        assert.deepEqual(doc.readingTypes.map((r) => ({ ...r })), sum.reading_types);
        assert.deepEqual(doc.localTimes.map((l) => ({
          dstEndRule: l.dstEndRule, dstOffset: String(l.dstOffset), dstStartRule: l.dstStartRule, tzOffset: String(l.tzOffset),
        })), sum.local_time_parameters);
        assert.deepEqual(doc.usagePoints.map((u) => ({ title: u.title, service_kind: u.serviceKind === undefined ? null : String(u.serviceKind) })), sum.usage_points);
        const all = doc.usagePoints.flatMap((u) => u.meterReadings.flatMap((m) => m.readings));
        for (const [r, want] of [[all[0]!, sum.first_reading], [all.at(-1)!, sum.last_reading]] as const) {
          assert.equal(r.start, Math.floor(Number(want.start)));
          assert.equal(r.duration, Number(want.duration));
          assert.equal(r.mantissa * 10 ** r.exp, Number(want.value));
          assert.equal(Number.isNaN(r.cost) ? null : String(r.cost), want.cost);
        }
      });

      const rejected = Object.entries(REJECTED).find(([prefix]) => base.startsWith(prefix))?.[1];
      if (rejected) {
        it(`import stops with ${rejected.code} at line ${rejected.line}`, async () => {
          await assert.rejects(importAll(file), (e: unknown) => {
            assert.ok(isMeterstackError(e), String(e));
            assert.equal(e.code, rejected.code);
            assert.equal(e.line, rejected.line);
            assert.equal(e.source, file);
            assert.match(e.message, rejected.why);
            return true;
          });
        });
      } else {
        it('imports as 1-0:1.8.0 hourly Wh series with the expected values, times and zone', async () => {
          const { meters, series } = await importAll(file);
          const doc = await readEspiDocument(`${DIR}${file}`);
          const want = doc.usagePoints[0]!.meterReadings[0]!.readings;
          assert.equal(meters.length, 1);
          assert.equal(meters[0]!.kind, 'electricity');
          const tz = doc.usagePoints[0]!.localTime!.tzOffset;
          assert.equal(meters[0]!.timeZone, tz === -28800 ? 'America/Los_Angeles' : 'America/New_York');
          const got = series.flatMap((s) => Array.from(s.values, (v, i) => ({ start: s.start + i * s.intervalS, v, q: s.quality[i], ch: s.channel })));
          assert.equal(got.length, want.length);
          got.forEach((g, i) => {
            assert.equal(g.start, want[i]!.start);
            assert.equal(g.v, want[i]!.mantissa * 10 ** want[i]!.exp);
            assert.equal(g.q, 0);
            assert.equal(g.ch, '1-0:1.8.0.255');
          });
          // The Wh values are the ones upstream printed, in the same order.
          const printed = lines(expectedText).filter((l) => /Wh/.test(l) && /^\d{4}-/.test(l)).map((l) => Number(/: (\d+) Wh/.exec(l)![1]));
          assert.deepEqual(got.map((g) => g.v), printed);
        });
      }
    });
  }
});
