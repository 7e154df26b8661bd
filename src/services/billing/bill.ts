import { epochToIso, QUALITY, type Account } from '../../model/index.ts';
import type { BillGrid } from '../tariffs/calendar.ts';
import type { BillLine } from '../tariffs/charges.ts';
import type { Determinants } from '../tariffs/determinants.ts';
import { formatMicro } from '../tariffs/money.ts';
import type { AccountData } from './account-data.ts';

/** The bill as stored and shown (docs/billing.md): every figure traceable to its inputs. */
export interface BillDocument {
  readonly account: Pick<Account, 'id' | 'name' | 'premise' | 'timeZone' | 'tariffId' | 'market'>;
  readonly period: { readonly from: string; readonly to: string; readonly start: string; readonly end: string; readonly days: number; readonly intervals: number };
  readonly currency: string;
  readonly tariffVersions: readonly { id: string; version: number; effectiveFrom: string; fingerprint: string; from: string; to: string; days: number }[];
  readonly meters: readonly {
    meterId: string; from: string; to: string; importKwh: string; exportKwh: string; intervals: number; missing: number;
    registers?: { opening?: { at: string; kwh: string }; closing?: { at: string; kwh: string }; deltaKwh?: string };
  }[];
  readonly determinants: {
    readonly importKwh: string;
    readonly exportKwh: string;
    readonly byPeriod: readonly { version: number; period: string; name: string; importKwh: string; exportKwh: string; intervals: number; estimated: number; missing: number }[];
    readonly peaks: readonly { month: string; kw: string; at: string | null }[];
  };
  readonly quality: { readonly intervals: number; readonly actual: number; readonly estimated: number; readonly missing: number; readonly estimatedShare: string };
  readonly lines: readonly BillLine[];
  /** Micro-units as decimal strings in the currency. */
  readonly subtotal: string;
  readonly vat: string;
  readonly total: string;
  readonly asOf: string;
  readonly dataFingerprint: string;
}

const kwh = (wh: number): string => formatMicro(Math.round(wh * 1000), 3);

export function billDocument(input: {
  account: Account; fromDate: string; toDate: string; grid: BillGrid; det: Determinants; data: AccountData; lines: readonly BillLine[];
  fingerprints: ReadonlyMap<number, string>; asOf: number;
}): { doc: BillDocument; totalMicro: number } {
  const { account, grid, det, data, lines } = input;
  const zone = account.timeZone;
  let actual = 0, estimated = 0, missing = 0;
  for (let i = 0; i < grid.n; i++) {
    const q = data.imp.quality[i]!;
    if (q === QUALITY.N) missing++;
    else if (q === QUALITY.S || q === QUALITY.E || q === QUALITY.F) estimated++;
    else actual++;
  }
  const width = det.periods;
  const byPeriod = grid.versions.flatMap((gv, v) => gv.tariff.periods.map((p, pi) => {
    const k = v * width + pi;
    return {
      version: gv.version, period: p.id, name: p.name, importKwh: kwh(det.import.wh[k]!), exportKwh: kwh(det.export?.wh[k] ?? 0),
      intervals: det.import.intervals[k]!, estimated: det.import.estimated[k]!, missing: det.import.missing[k]!,
    };
  }));
  const total = lines.reduce((a, l) => a + l.amount, 0);
  const vat = lines.filter((l) => l.type === 'vat').reduce((a, l) => a + l.amount, 0);
  const doc: BillDocument = {
    account: { id: account.id, name: account.name, ...(account.premise ? { premise: account.premise } : {}), timeZone: zone, tariffId: account.tariffId, market: account.market },
    period: { from: input.fromDate, to: input.toDate, start: epochToIso(grid.from, zone), end: epochToIso(grid.to, zone), days: grid.days.length, intervals: grid.n },
    currency: grid.versions[0]!.tariff.currency,
    tariffVersions: grid.versions.map((gv) => ({
      id: gv.tariff.id, version: gv.version, effectiveFrom: gv.tariff.effectiveFrom, fingerprint: input.fingerprints.get(gv.version) ?? '', from: gv.from, to: gv.to, days: gv.days,
    })),
    meters: data.segments.map((s) => {
      const o = s.registers?.opening;
      const c = s.registers?.closing;
      return {
        meterId: s.meterId, from: epochToIso(s.from, zone), to: epochToIso(s.to, zone), importKwh: kwh(s.importWh), exportKwh: kwh(s.exportWh),
        intervals: s.intervals, missing: s.missing,
        ...(s.registers ? {
          registers: {
            ...(o ? { opening: { at: epochToIso(o.at, zone), kwh: kwh(o.wh) } } : {}),
            ...(c ? { closing: { at: epochToIso(c.at, zone), kwh: kwh(c.wh) } } : {}),
            ...(o && c ? { deltaKwh: kwh(c.wh - o.wh) } : {}),
          },
        } : {}),
      };
    }),
    determinants: {
      importKwh: kwh(det.import.wh.reduce((a, b) => a + b, 0)),
      exportKwh: kwh(det.export?.wh.reduce((a, b) => a + b, 0) ?? 0),
      byPeriod,
      peaks: det.peaks.map((p) => ({ month: p.month, kw: formatMicro(p.w * 1000, 3), at: p.at ? epochToIso(p.at, zone) : null })),
    },
    quality: { intervals: grid.n, actual, estimated, missing, estimatedShare: grid.n ? (estimated / grid.n).toFixed(4) : '0' },
    lines,
    subtotal: formatMicro(total - vat),
    vat: formatMicro(vat),
    total: formatMicro(total),
    asOf: epochToIso(input.asOf),
    dataFingerprint: data.fingerprint,
  };
  return { doc, totalMicro: total };
}

export interface LineDifference {
  readonly key: string;
  readonly charge: string;
  readonly period?: string;
  readonly quantityBefore: string | null;
  readonly quantityAfter: string | null;
  readonly amountBefore: string;
  readonly amountAfter: string;
  readonly difference: string;
}

const lineKey = (l: BillLine): string => [l.charge, l.type, `v${l.version}`, l.from, l.period ?? '', l.block ?? '', l.month ?? ''].join('|');

/** What changed between two computations of the same bill, line by line (unchanged lines left out). */
export function billDifference(before: readonly BillLine[], after: readonly BillLine[]): { total: string; lines: LineDifference[] } {
  const a = new Map(before.map((l) => [lineKey(l), l]));
  const b = new Map(after.map((l) => [lineKey(l), l]));
  const out: LineDifference[] = [];
  let total = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const d = (y?.amount ?? 0) - (x?.amount ?? 0);
    if (d === 0 && x?.quantity === y?.quantity) continue;
    total += d;
    out.push({
      key, charge: (y ?? x)!.charge, ...((y ?? x)!.period ? { period: (y ?? x)!.period! } : {}),
      quantityBefore: x?.quantity ?? null, quantityAfter: y?.quantity ?? null,
      amountBefore: formatMicro(x?.amount ?? 0), amountAfter: formatMicro(y?.amount ?? 0), difference: formatMicro(d),
    });
  }
  return { total: formatMicro(total), lines: out };
}
