import { createHash } from 'node:crypto';
import {
  MeterstackError, obis, QUALITY,
  type EpochSeconds, type IntervalSeries, type MeterAssignment, type Obis,
} from '../../model/index.ts';
import type { Store } from '../../store/store.port.ts';
import type { GridSeries } from '../tariffs/determinants.ts';

export const IMPORT = obis('1-0:1.8.0');
export const EXPORT = obis('1-0:2.8.0');

export type DataPorts = Pick<Store, 'listAssignments' | 'listChannels' | 'readSeries' | 'readVersions' | 'readRegisters'>;

const DAY_S = 86_400;

/**
 * The channel as it was known at `asOf`: for each UTC day block, the newest version recorded at or
 * before that instant (intervals of a block that did not exist yet are missing). This is what makes
 * a bill reproducible after later corrections.
 */
async function readAsOf(store: DataPorts, meterId: string, ch: Obis, from: EpochSeconds, to: EpochSeconds, stepS: number, asOf: EpochSeconds): Promise<IntervalSeries> {
  const n = (to - from) / stepS;
  const values = new Float64Array(n);
  const quality = new Uint8Array(n).fill(QUALITY.N);
  const best = new Map<number, IntervalSeries>();
  for (const v of await store.readVersions(meterId, ch, from, to)) {
    if (v.recordedAt <= asOf) best.set(v.day, v.series);
  }
  for (const s of best.values()) {
    const a = Math.max(from, s.start);
    const b = Math.min(to, s.start + s.values.length * s.intervalS, s.start + DAY_S);
    for (let t = a; t < b; t += stepS) {
      const i = (t - from) / stepS;
      const j = (t - s.start) / s.intervalS;
      values[i] = s.values[j]!;
      quality[i] = s.quality[j]!;
    }
  }
  return { meterId, channel: ch, start: from, intervalS: stepS, values, quality };
}

export interface MeterSegment {
  readonly meterId: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly importWh: number;
  readonly exportWh: number;
  readonly intervals: number;
  readonly missing: number;
  /** Register 1-0:1.8.0 read nearest the segment's ends (within a day), when the meter reported one. */
  readonly registers?: { readonly opening?: { at: EpochSeconds; wh: number }; readonly closing?: { at: EpochSeconds; wh: number } };
}

export interface AccountData {
  readonly stepS: number;
  readonly imp: GridSeries;
  readonly exp?: GridSeries;
  readonly segments: readonly MeterSegment[];
  /** SHA-256 over every value and quality code used: equal fingerprints, equal inputs. */
  readonly fingerprint: string;
}

async function intervalOf(store: DataPorts, meters: readonly string[], ch: Obis): Promise<number | undefined> {
  let step: number | undefined;
  for (const m of meters) {
    const c = (await store.listChannels(m)).find((x) => x.obis === ch);
    if (!c) continue;
    if (step !== undefined && c.intervalS !== step) {
      throw new MeterstackError('BILL_PERIOD_INVALID', `the account's meters record ${ch} at different interval lengths (${step}s and ${c.intervalS}s)`);
    }
    step = c.intervalS;
  }
  return step;
}

async function nearestRegister(store: DataPorts, meterId: string, at: EpochSeconds): Promise<{ at: EpochSeconds; wh: number } | undefined> {
  const regs = await store.readRegisters(meterId, IMPORT, at - DAY_S, at + DAY_S + 1);
  let best: { at: number; wh: number } | undefined;
  for (const r of regs) if (!best || Math.abs(r.at - at) < Math.abs(best.at - at)) best = { at: r.at, wh: r.value };
  return best;
}

/**
 * The account's import (and export, where a meter records it) over [from, to), stitched from the
 * meters that served it: each meter contributes only the part of the period it was assigned.
 */
export async function readAccountData(store: DataPorts, accountId: string, from: EpochSeconds, to: EpochSeconds, opts: { asOf?: EpochSeconds; registers?: boolean } = {}): Promise<AccountData> {
  const assignments: MeterAssignment[] = await store.listAssignments(accountId, from, to);
  if (assignments.length === 0) throw new MeterstackError('BILL_NO_DATA', `no meter served account ${accountId} between ${new Date(from * 1000).toISOString()} and ${new Date(to * 1000).toISOString()}`);
  const meters = [...new Set(assignments.map((a) => a.meterId))];
  const stepS = (await intervalOf(store, meters, IMPORT)) ?? 900;
  const expStep = await intervalOf(store, meters, EXPORT);
  if (expStep !== undefined && expStep !== stepS) throw new MeterstackError('BILL_PERIOD_INVALID', `import is recorded every ${stepS}s but export every ${expStep}s`);
  const n = (to - from) / stepS;
  if (!Number.isInteger(n)) throw new MeterstackError('BILL_PERIOD_INVALID', `the bill period is not whole ${stepS}s intervals`);
  const imp = { values: new Float64Array(n), quality: new Uint8Array(n).fill(QUALITY.N) };
  const exp = expStep === undefined ? undefined : { values: new Float64Array(n), quality: new Uint8Array(n).fill(QUALITY.N) };
  const segments: MeterSegment[] = [];
  const read = (m: string, ch: Obis, a: number, b: number): Promise<IntervalSeries> =>
    opts.asOf === undefined ? store.readSeries(m, ch, a, b) : readAsOf(store, m, ch, a, b, stepS, opts.asOf);

  for (const as of assignments) {
    const a = Math.max(from, Math.ceil(as.from / stepS) * stepS);
    const b = Math.min(to, as.to === undefined ? to : Math.ceil(as.to / stepS) * stepS);
    if (b <= a) continue;
    const off = (a - from) / stepS;
    let importWh = 0, exportWh = 0, intervals = 0, missing = 0;
    const si = await read(as.meterId, IMPORT, a, b);
    for (let j = 0; j < si.values.length; j++) {
      if (si.quality[j] === QUALITY.N) { missing++; continue; }
      // Two meters assigned at once would double-count: the first one's data stands.
      if (imp.quality[off + j] !== QUALITY.N) continue;
      imp.values[off + j] = si.values[j]!;
      imp.quality[off + j] = si.quality[j]!;
      importWh += si.values[j]!;
      intervals++;
    }
    if (exp) {
      const se = await read(as.meterId, EXPORT, a, b);
      for (let j = 0; j < se.values.length; j++) {
        if (se.quality[j] === QUALITY.N || exp.quality[off + j] !== QUALITY.N) continue;
        exp.values[off + j] = se.values[j]!;
        exp.quality[off + j] = se.quality[j]!;
        exportWh += se.values[j]!;
      }
    }
    let registers: MeterSegment['registers'];
    if (opts.registers) {
      const opening = await nearestRegister(store, as.meterId, a);
      const closing = await nearestRegister(store, as.meterId, b);
      if (opening || closing) registers = { ...(opening ? { opening } : {}), ...(closing ? { closing } : {}) };
    }
    segments.push({ meterId: as.meterId, from: a, to: b, importWh, exportWh, intervals, missing, ...(registers ? { registers } : {}) });
  }
  const h = createHash('sha256');
  h.update(Buffer.from(imp.values.buffer)).update(imp.quality);
  if (exp) h.update(Buffer.from(exp.values.buffer)).update(exp.quality);
  return { stepS, imp, ...(exp ? { exp } : {}), segments, fingerprint: h.digest('hex') };
}
