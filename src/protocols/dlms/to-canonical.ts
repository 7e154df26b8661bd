/**
 * DLMS/COSEM → canonical model: the only file of the DLMS codec that imports `model/` readings.
 *
 * Load profile (class 7) → one IntervalSeries per mapped column (OBIS_TABLE). Decisions:
 * - A row's clock value is its capture time = the END of the interval [t − period, t).
 * - Cumulative registers (energy, volume) become interval deltas R(t) − R(t − period). The first
 *   row has no predecessor: pass the last stored register reading of that channel as `previous`
 *   (it must be at exactly t₀ − period), otherwise the first row only anchors and the series
 *   starts at t₀. Deltas telescope: their sum is always last − first (or last − previous).
 * - Sampled quantities (power, voltage …) give the row's value for the interval ending at t.
 * - Missing rows: every grid interval without a value is explicit (QUALITY.N, value 0). A gap
 *   between two rows k periods apart leaves k intervals N and reports the delta across the gap
 *   (`gap` issue with `delta`), so VEE can pro-rate it.
 * - Rejected rows (reported, treated as missing): clock null or not on the capture-period grid
 *   of UTC epoch seconds, clock status `invalid`, AMR status critical / clock invalid / data not
 *   valid, a repeated timestamp. Doubtful rows (clock status `doubtful` or `invalid status`, AMR
 *   status clock adjusted / power down) are kept; the intervals computed from them get QUALITY.V.
 * - Values finer than the stored unit are rounded half away from zero (`rounded` issue, count).
 * Times are UTC throughout: the walker applies the date-time's deviation; DST plays no part.
 */
import { obis as toObis, type Obis } from '../../model/obis.ts';
import { OBIS_TABLE, type ObisDefinition } from '../../model/reading-type.ts';
import { isValidIntervalLength, MAX_VALUE, type IntervalSeries, type RegisterReading } from '../../model/reading.ts';
import { QUALITY } from '../../model/quality.ts';
import type { EpochSeconds } from '../../model/time.ts';
import type { WalkOptions } from './axdr/walk.ts';
import type { DlmsData } from './axdr/types.ts';
import { CLOCK_STATUS } from './axdr/datetime.ts';
import { DlmsError } from './errors.ts';
import { isClockColumn, walkProfileBuffer, type CaptureObject, type WalkedProfile } from './cosem/profile-generic.ts';
import { parseScalerUnit, scaleToInteger, storedUnitFor, type ScalerUnit } from './cosem/units.ts';
import type { PushObject } from './cosem/push.ts';

/**
 * AMR profile status bits (IDIS / DSMR P3 "AMR profile status code", 0-0:96.10.x.255).
 * UNVERIFIED against DOMAIN.md or the corpus: bit 0 critical error, 1 clock invalid, 2 data not
 * valid, 3 daylight saving, 5 clock adjusted, 7 power down.
 */
export const AMR_STATUS = { criticalError: 0x01, clockInvalid: 0x02, dataNotValid: 0x04, daylightSaving: 0x08, clockAdjusted: 0x20, powerDown: 0x80 } as const;
const AMR_REJECT = AMR_STATUS.criticalError | AMR_STATUS.clockInvalid | AMR_STATUS.dataNotValid;
const AMR_DOUBT = AMR_STATUS.clockAdjusted | AMR_STATUS.powerDown;

export type ProfileIssueKind =
  | 'unmapped-column' | 'off-grid' | 'duplicate' | 'clock-invalid' | 'clock-doubtful' | 'status-invalid' | 'status-doubtful'
  | 'gap' | 'rounded' | 'null-value' | 'no-anchor' | 'negative-delta';

export interface ProfileIssue {
  readonly kind: ProfileIssueKind;
  readonly detail: string;
  readonly at?: EpochSeconds;
  readonly row?: number;
  readonly channel?: Obis;
  /** For `gap`: register difference across the gap, in the stored unit. */
  readonly delta?: number;
}

export interface LoadProfileInput {
  readonly meterId: string;
  readonly captureObjects: readonly CaptureObject[];
  /** Capture period (attr 4) in seconds; must be a valid interval length (60..3600, divides a day). */
  readonly capturePeriod: number;
  /** scaler_unit (attr 3) of each captured register by logical name (any accepted OBIS spelling). */
  readonly scalerUnits: ReadonlyMap<string, ScalerUnit | DlmsData> | Readonly<Record<string, ScalerUnit | DlmsData>>;
  /** The buffer (attr 2) as A-XDR bytes, or already walked by `walkProfileBuffer`. */
  readonly buffer: Uint8Array | WalkedProfile;
  /** Last stored register reading per channel, to give the first row a delta. */
  readonly previous?: readonly RegisterReading[];
  readonly walk?: WalkOptions;
}

export interface LoadProfileResult {
  readonly series: IntervalSeries[];
  /** Register values (stored unit) of the last accepted row: the `previous` of the next read. */
  readonly registers: RegisterReading[];
  readonly issues: ProfileIssue[];
}

interface Column {
  readonly index: number;
  readonly def: ObisDefinition;
  readonly pow10: number;
}

const ROW_OK = 0;
const ROW_DOUBT = 1;
const ROW_REJECT = 2;

export function loadProfileToSeries(input: LoadProfileInput): LoadProfileResult {
  const { meterId, captureObjects: caps, capturePeriod: period } = input;
  if (!isValidIntervalLength(period)) {
    throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `capture period ${period}s is not an interval length (60..3600 s dividing a day)`);
  }
  const clockCol = caps.findIndex(isClockColumn);
  if (clockCol < 0) throw new DlmsError('DLMS_COSEM_BAD_OBJECT', 'the profile captures no clock (class 8, attribute 2)');
  const walked = input.buffer instanceof Uint8Array ? walkProfileBuffer(input.buffer, caps, input.walk) : input.buffer;
  if (walked.columns.length !== caps.length) {
    throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `walked profile has ${walked.columns.length} columns for ${caps.length} capture objects`);
  }
  const issues: ProfileIssue[] = [];
  const amrCol = caps.findIndex(isAmrStatus);
  const columns = mapColumns(caps, input.scalerUnits, issues);
  const state = rowStates(walked, amrCol, clockCol);
  const order = acceptedRows(walked, amrCol, clockCol, state, period, issues);
  const times = walked.columns[clockCol]!;
  const series: IntervalSeries[] = [];
  const registers: RegisterReading[] = [];
  if (order.length === 0) return { series, registers, issues };
  const t0 = times[order[0]!]!;
  const tN = times[order[order.length - 1]!]!;
  for (const col of columns) {
    const conv = convertColumn(walked.columns[col.index]!, order, col, issues);
    if (col.def.cumulative) {
      const prev = input.previous?.find((r) => r.channel === col.def.obis && r.at === t0 - period);
      series.push(deltaSeries(meterId, col.def.obis, period, times, order, state, conv, prev?.value, issues));
      const last = order[order.length - 1]!;
      if (!Number.isNaN(conv[last]!)) registers.push({ meterId, channel: col.def.obis, at: tN, value: conv[last]!, quality: 'A' });
    } else {
      series.push(sampledSeries(meterId, col.def.obis, period, times, order, state, conv));
    }
  }
  return { series: series.filter((s) => s.values.length > 0), registers, issues };
}

function scalerUnitOf(map: LoadProfileInput['scalerUnits'], code: Obis): ScalerUnit | undefined {
  let v = scalerUnitEntry(map, code);
  if (v === undefined) {
    for (const k of map instanceof Map ? map.keys() : Object.keys(map)) if (toObis(k as string) === code) v = scalerUnitEntry(map, k as string);
  }
  if (v === undefined) return undefined;
  return 'type' in v ? parseScalerUnit(v) : v;
}

function scalerUnitEntry(map: LoadProfileInput['scalerUnits'], k: string): ScalerUnit | DlmsData | undefined {
  return map instanceof Map ? (map as ReadonlyMap<string, ScalerUnit | DlmsData>).get(k) : (map as Record<string, ScalerUnit | DlmsData>)[k];
}

function mapColumns(caps: readonly CaptureObject[], scalerUnits: LoadProfileInput['scalerUnits'], issues: ProfileIssue[]): Column[] {
  const out: Column[] = [];
  for (let index = 0; index < caps.length; index++) {
    const c = caps[index]!;
    if (isClockColumn(c) || isAmrStatus(c)) continue;
    const def = c.attributeIndex === 2 ? OBIS_TABLE.get(c.logicalName) : undefined;
    if (!def) {
      issues.push({ kind: 'unmapped-column', channel: c.logicalName, detail: `column ${index} (class ${c.classId} ${c.logicalName} attr ${c.attributeIndex}) has no canonical channel` });
      continue;
    }
    const su = scalerUnitOf(scalerUnits, c.logicalName);
    if (!su) throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `no scaler_unit given for captured register ${c.logicalName}`);
    out.push({ index, def, pow10: storedUnitFor(su, def.unit).pow10 });
  }
  return out;
}

/** 0-b:96.10.e.f attribute 2: the AMR profile status (canonical OBIS text, so a prefix test suffices). */
function isAmrStatus(c: CaptureObject): boolean {
  return c.attributeIndex === 2 && AMR_LN.test(c.logicalName);
}
const AMR_LN = /^0-\d+:96\.10\./;

/**
 * Reusable memory for the per-call working arrays (row states, converted columns), which never
 * leave loadProfileToSeries: a fresh typed array costs an off-heap allocation each, a view on
 * this almost nothing. Only the arrays of the returned series are allocated per call.
 */
let scratchBytes = new Uint8Array(0);
let scratchValues = new Float64Array(0);

function scratchStates(rows: number): Uint8Array {
  if (scratchBytes.length < rows) scratchBytes = new Uint8Array(Math.max(rows, 2 * scratchBytes.length));
  return scratchBytes.subarray(0, rows).fill(ROW_OK);
}

function scratchColumn(rows: number): Float64Array {
  if (scratchValues.length < rows) scratchValues = new Float64Array(Math.max(rows, 2 * scratchValues.length));
  return scratchValues.subarray(0, rows).fill(NaN);
}

/** Per row: ok, doubtful or rejected, from the clock status and an AMR status column. */
function rowStates(w: WalkedProfile, amrCol: number, clockCol: number): Uint8Array {
  const st = scratchStates(w.rows);
  const amr = amrCol >= 0 ? w.columns[amrCol]! : undefined;
  const times = w.columns[clockCol]!;
  for (let r = 0; r < w.rows; r++) {
    const cs = w.clockStatus?.[r] ?? 0xff;
    const a = amr ? amr[r]! : NaN;
    if (Number.isNaN(times[r]!) || (cs !== 0xff && cs & CLOCK_STATUS.invalid) || (a >= 0 && a & AMR_REJECT)) st[r] = ROW_REJECT;
    else if ((cs !== 0xff && cs & (CLOCK_STATUS.doubtful | CLOCK_STATUS.invalidStatus)) || (a >= 0 && a & AMR_DOUBT)) st[r] = ROW_DOUBT;
  }
  return st;
}

/** Indices of accepted rows in time order; reports every rejected row. */
function acceptedRows(
  w: WalkedProfile, amrCol: number, clockCol: number, st: Uint8Array, period: number, issues: ProfileIssue[],
): number[] {
  const times = w.columns[clockCol]!;
  const rows: number[] = [];
  for (let r = 0; r < w.rows; r++) {
    const t = times[r]!;
    const cs = w.clockStatus?.[r] ?? 0xff;
    if (st[r] === ROW_REJECT) {
      const amr = amrCol >= 0 ? w.columns[amrCol]![r]! : NaN;
      const kind = Number.isNaN(t) || (cs !== 0xff && cs & CLOCK_STATUS.invalid) ? 'clock-invalid' : 'status-invalid';
      issues.push({ kind, row: r, ...(Number.isNaN(t) ? {} : { at: t }), detail: `row ${r} rejected (clock status 0x${cs.toString(16)}, AMR status ${Number.isNaN(amr) ? '-' : `0x${amr.toString(16)}`})` });
      continue;
    }
    if (st[r] === ROW_DOUBT) {
      issues.push({ kind: cs !== 0xff && cs & (CLOCK_STATUS.doubtful | CLOCK_STATUS.invalidStatus) ? 'clock-doubtful' : 'status-doubtful', row: r, at: t, detail: `row ${r} is doubtful; its intervals get quality V` });
    }
    if (t % period !== 0) {
      issues.push({ kind: 'off-grid', row: r, at: t, detail: `row ${r} at ${t} is not on the ${period}s grid` });
      continue;
    }
    rows.push(r);
  }
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) sorted = times[rows[i - 1]!]! < times[rows[i]!]!;
  if (sorted) return rows;
  rows.sort((a, b) => times[a]! - times[b]! || a - b);
  return rows.filter((r, i) => {
    if (i === 0 || times[rows[i - 1]!] !== times[r]) return true;
    issues.push({ kind: 'duplicate', row: r, at: times[r]!, detail: `row ${r} repeats time ${times[r]}; the first row wins` });
    return false;
  });
}

/** Raw column → stored-unit integers (NaN for null cells) for the accepted rows; valid until the next call. */
function convertColumn(raw: Float64Array, order: readonly number[], col: Column, issues: ProfileIssue[]): Float64Array {
  const out = scratchColumn(raw.length);
  let rounded = 0;
  let nulls = 0;
  // Integers scaled up (the usual case) need neither rounding nor scaleToInteger's result object.
  const mul = col.pow10 >= 0 ? 10 ** col.pow10 : NaN;
  for (let i = 0; i < order.length; i++) {
    const r = order[i]!;
    const v = raw[r]!;
    if (Number.isNaN(v)) { nulls++; continue; }
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) {
      const x = v * mul;
      if (Math.abs(x) <= MAX_VALUE) {
        out[r] = x === 0 ? 0 : x;
        continue;
      }
    }
    const s = scaleToInteger(v, col.pow10);
    out[r] = s.value;
    if (s.rounded) rounded++;
  }
  if (rounded) issues.push({ kind: 'rounded', channel: col.def.obis, detail: `${rounded} value(s) finer than 1 ${col.def.unit} rounded half away from zero` });
  if (nulls) issues.push({ kind: 'null-value', channel: col.def.obis, detail: `${nulls} null cell(s); their intervals are N` });
  return out;
}

function deltaSeries(
  meterId: string, channel: Obis, period: number, times: Float64Array, order: readonly number[], state: Uint8Array,
  conv: Float64Array, previous: number | undefined, issues: ProfileIssue[],
): IntervalSeries {
  const t0 = times[order[0]!]!;
  const start = previous === undefined ? t0 : t0 - period;
  const n = (times[order[order.length - 1]!]! - start) / period;
  const values = new Float64Array(n);
  const quality = new Uint8Array(n).fill(QUALITY.N);
  if (previous === undefined) issues.push({ kind: 'no-anchor', channel, at: t0, detail: `no previous reading of ${channel} at ${t0 - period}; the first row only anchors the deltas` });
  let pt = previous === undefined ? NaN : t0 - period;
  let pv = previous ?? NaN;
  let pd = false;
  for (let k = 0; k < order.length; k++) {
    const r = order[k]!;
    const t = times[r]!;
    const v = conv[r]!;
    if (Number.isNaN(v)) continue;
    const doubt = state[r] === ROW_DOUBT;
    if (!Number.isNaN(pv)) {
      const delta = v - pv;
      if (t - pt === period) {
        // rows are on the grid from `start`: an exact small integer
        const i = ((t - start) / period - 1) | 0;
        values[i] = delta;
        quality[i] = pd || doubt ? QUALITY.V : QUALITY.A;
      } else {
        issues.push({ kind: 'gap', channel, at: pt, delta, detail: `${(t - pt) / period} intervals of ${channel} from ${pt} to ${t} have no rows; register moved by ${delta}` });
      }
      if (delta < 0) issues.push({ kind: 'negative-delta', channel, at: t, delta, detail: `${channel} fell by ${-delta} up to ${t} (reset or rollover?)` });
    }
    pt = t;
    pv = v;
    pd = doubt;
  }
  return { meterId, channel, start, intervalS: period, values, quality };
}

function sampledSeries(
  meterId: string, channel: Obis, period: number, times: Float64Array, order: readonly number[], state: Uint8Array, conv: Float64Array,
): IntervalSeries {
  const start = times[order[0]!]! - period;
  const n = (times[order[order.length - 1]!]! - start) / period;
  const values = new Float64Array(n);
  const quality = new Uint8Array(n).fill(QUALITY.N);
  for (let k = 0; k < order.length; k++) {
    const r = order[k]!;
    const v = conv[r]!;
    if (Number.isNaN(v)) continue;
    const i = ((times[r]! - start) / period - 1) | 0;
    values[i] = v;
    quality[i] = state[r] === ROW_DOUBT ? QUALITY.V : QUALITY.A;
  }
  return { meterId, channel, start, intervalS: period, values, quality };
}

// --- registers --------------------------------------------------------------------------------

/** A numeric DlmsData as number | bigint; anything else is not a register value. */
export function numericValue(d: DlmsData): number | bigint | null {
  switch (d.type) {
    case 'integer': case 'long': case 'double-long': case 'unsigned': case 'long-unsigned': case 'double-long-unsigned':
    case 'enum': case 'long64': case 'long64-unsigned': case 'float32': case 'float64':
      return d.value;
    default:
      return null;
  }
}

export interface RegisterResult {
  readonly reading: RegisterReading;
  readonly rounded: boolean;
}

/**
 * Register (class 3) / extended register (class 4) value + scaler_unit → RegisterReading in the
 * stored unit; `undefined` when the OBIS code has no canonical channel. For sampled quantities
 * (power, voltage …) the reading is the instantaneous value at `at`.
 */
export function registerToReading(
  meterId: string, logicalName: Obis | string, value: DlmsData, scalerUnit: ScalerUnit | DlmsData, at: EpochSeconds,
): RegisterResult | undefined {
  const def = OBIS_TABLE.get(toObis(logicalName));
  if (!def) return undefined;
  const raw = numericValue(value);
  if (raw === null) throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `register ${def.obis} value is ${value.type}, not a number`);
  const su = 'type' in scalerUnit ? parseScalerUnit(scalerUnit) : scalerUnit;
  const s = scaleToInteger(raw, storedUnitFor(su, def.unit).pow10);
  return { reading: { meterId, channel: def.obis, at, value: s.value, quality: 'A' }, rounded: s.rounded };
}

// --- HAN push (DataNotification) -------------------------------------------------------------

export interface PushCanonical {
  readonly registers: RegisterReading[];
  /** Objects without a canonical channel, without a numeric value, or without a scaler_unit. */
  readonly unmapped: PushObject[];
  readonly rounded: Obis[];
}

/**
 * Push objects (see cosem/push.ts) → RegisterReadings at `at`. Lists that carry no scaler_unit
 * (Kamstrup, Iskra, ECE lists) map only with `scalerUnits` from the device profile; a value
 * without any scaler_unit is never guessed.
 */
export function pushToReadings(
  meterId: string, objects: readonly PushObject[], at: EpochSeconds,
  scalerUnits: ReadonlyMap<Obis, ScalerUnit> = new Map(),
): PushCanonical {
  const registers: RegisterReading[] = [];
  const unmapped: PushObject[] = [];
  const rounded: Obis[] = [];
  for (const o of objects) {
    const su = o.scalerUnit ?? scalerUnits.get(o.logicalName);
    const def = OBIS_TABLE.get(o.logicalName);
    if (!def || !su || numericValue(o.value) === null) {
      unmapped.push(o);
      continue;
    }
    const r = registerToReading(meterId, o.logicalName, o.value, su, at)!;
    registers.push(r.reading);
    if (r.rounded) rounded.push(def.obis);
  }
  return { registers, unmapped, rounded };
}
