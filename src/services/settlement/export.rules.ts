import { epochToIso } from '../../model/index.ts';
import type { SettlementGroupRecord, SettlementPeriodRecord, SettlementRunRecord } from '../../store/store.port.ts';
import { PERIOD_S } from './settlement.model.ts';

/**
 * The two export formats of a settlement run (docs/settlement.md documents both, column by column
 * and element by element). Pure and deterministic: the same stored run always gives the same bytes,
 * so an export can be re-created later and compared with what was sent.
 */

export const EXPORT_FORMATS = ['csv', 'xml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Integer Wh as kWh with exactly three decimals, by integer arithmetic (no float rounding). */
export function formatKwh(wh: number): string {
  const n = Math.round(wh);
  const a = Math.abs(n);
  const whole = Math.floor(a / 1000);
  return `${n < 0 ? '-' : ''}${whole}.${String(a - whole * 1000).padStart(3, '0')}`;
}

const share = (num: number, den: number, empty: number): string => (den ? num / den : empty).toFixed(4);

/**
 * ENTSO-E/ebIX quality of an aggregated point: A04 as provided (all actual, or nothing expected),
 * A03 estimated (some estimated, none missing), A05 incomplete (some metering points missing),
 * A02 not available (nothing arrived for any expected metering point).
 */
export function pointQuality(p: SettlementPeriodRecord): 'A02' | 'A03' | 'A04' | 'A05' {
  if (p.expected === 0) return 'A04';
  if (p.missing === p.expected) return 'A02';
  if (p.missing > 0) return 'A05';
  return p.estimated > 0 ? 'A03' : 'A04';
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'run_id', 'settlement_day', 'zone', 'run_number', 'grid_area', 'brp', 'supplier', 'period',
  'period_start_local', 'period_start_utc', 'period_end_utc', 'import_kwh', 'export_kwh',
  'metering_points_expected', 'metering_points_with_data', 'actual', 'estimated', 'missing',
  'completeness', 'estimated_share', 'quality',
] as const;

/** Period starts as text, computed once per run rather than once per group. */
function periodTimes(run: SettlementRunRecord, zone: string): Map<number, { local: string; utc: string; end: string }> {
  const out = new Map<number, { local: string; utc: string; end: string }>();
  for (const g of run.groups) {
    for (const p of g.periods) {
      if (!out.has(p.start)) out.set(p.start, { local: epochToIso(p.start, zone), utc: epochToIso(p.start), end: epochToIso(p.start + PERIOD_S) });
    }
  }
  return out;
}

/** One row per group and settlement period, groups in (grid area, BRP, supplier) order. */
export function toCsv(run: SettlementRunRecord): string {
  const times = periodTimes(run, run.zone);
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const g of run.groups) {
    const head = [run.id, run.day, run.zone, String(run.runNo), g.gridArea, g.brp, g.supplier].map(csvField).join(',');
    for (const p of g.periods) {
      const t = times.get(p.start)!;
      const withData = p.actual + p.estimated;
      lines.push([
        head, p.position, t.local, t.utc, t.end, formatKwh(p.importWh), formatKwh(p.exportWh),
        p.expected, withData, p.actual, p.estimated, p.missing, share(withData, p.expected, 1), share(p.estimated, p.expected, 0), pointQuality(p),
      ].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/** ESMP timestamps are UTC to the minute: 2026-03-28T23:00Z. */
const esmpTime = (t: number): string => new Date(t * 1000).toISOString().slice(0, 16) + 'Z';

export const XML_NAMESPACE = 'urn:meterstack:settlement:notifyaggregatedmeasuredata:1';
/** GS1 product code of active energy, as ebIX and the Nordic data hubs use it. */
const ACTIVE_ENERGY = '8716867000030';

function series(run: SettlementRunRecord, g: SettlementGroupRecord, n: number, kind: 'E17' | 'E18', start: number, end: number): string[] {
  const out = [
    '  <Series>',
    `    <mRID>${esc(run.id)}-${n}</mRID>`,
    `    <version>${run.runNo}</version>`,
    `    <marketEvaluationPoint.type>${kind}</marketEvaluationPoint.type>`,
    `    <meteringGridArea_Domain.mRID codingScheme="A01">${esc(g.gridArea)}</meteringGridArea_Domain.mRID>`,
    `    <energySupplier_MarketParticipant.mRID codingScheme="A01">${esc(g.supplier)}</energySupplier_MarketParticipant.mRID>`,
    `    <balanceResponsibleParty_MarketParticipant.mRID codingScheme="A01">${esc(g.brp)}</balanceResponsibleParty_MarketParticipant.mRID>`,
    `    <product>${ACTIVE_ENERGY}</product>`,
    '    <quantity_Measure_Unit.name>KWH</quantity_Measure_Unit.name>',
    '    <Period>',
    '      <resolution>PT15M</resolution>',
    `      <timeInterval><start>${esmpTime(start)}</start><end>${esmpTime(end)}</end></timeInterval>`,
  ];
  for (const p of g.periods) {
    const wh = kind === 'E17' ? p.importWh : p.exportWh;
    out.push(`      <Point><position>${p.position}</position><quantity>${formatKwh(wh)}</quantity><quality>${pointQuality(p)}</quality></Point>`);
  }
  out.push('    </Period>', '  </Series>');
  return out;
}

/**
 * An ESMP-style aggregated energy data report: the element names and codes of the ebIX/ENTSO-E
 * NotifyAggregatedMeasureData market document (type E31), in meterstack's own namespace because it
 * is not validated against that XSD (docs/decisions/2026-11-26-settlement.md). One E17
 * (consumption) series per group, plus an E18 (production) series for groups with export meters.
 */
export function toXml(run: SettlementRunRecord, day: { start: number; end: number }): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<NotifyAggregatedMeasureData_MarketDocument xmlns="${XML_NAMESPACE}">`,
    `  <mRID>${esc(run.id)}</mRID>`,
    `  <revisionNumber>${run.runNo}</revisionNumber>`,
    '  <type>E31</type>',
    // D03 preliminary aggregation for the first run of a day, D32 correction for re-runs.
    `  <process.processType>${run.runNo === 1 ? 'D03' : 'D32'}</process.processType>`,
    '  <businessSector.type>23</businessSector.type>',
    `  <createdDateTime>${new Date(run.at * 1000).toISOString().replace('.000Z', 'Z')}</createdDateTime>`,
    `  <period.timeInterval><start>${esmpTime(day.start)}</start><end>${esmpTime(day.end)}</end></period.timeInterval>`,
  ];
  let n = 0;
  for (const g of run.groups) {
    lines.push(...series(run, g, ++n, 'E17', day.start, day.end));
    if (g.exportMeters > 0) lines.push(...series(run, g, ++n, 'E18', day.start, day.end));
  }
  lines.push('</NotifyAggregatedMeasureData_MarketDocument>');
  return `${lines.join('\n')}\n`;
}
