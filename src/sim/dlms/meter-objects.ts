/**
 * The COSEM object server of one simulated meter: answers GET, SET and ACTION on its object model
 * from the fleet simulator's data, independent of association and transport (a connection server
 * calls it with the decoded descriptors).
 *
 * Choices, as a real meter would differ:
 * - Time: the meter's clock reads `t + offsetS + (t − ref)·ppm·1e-6` for true time t, with ref
 *   the commissioning instant (the data source's `start`) until a SET of the time or a clock method
 *   re-anchors it (then ref = that instant and offsetS the new error, drifting on at the same ppm).
 * - The load profile captures on the TRUE 15-minute grid and stamps each row with that grid time
 *   (as a meter whose clock were right), and events are stamped with their true time: the rows
 *   stay the simulator's data exactly while the clock attribute drifts. Date-times carry the zone's
 *   deviation and DST bit (Blue Book sign: UTC+01:00 is −60), encoded as 12-octet octet-strings.
 * - The meter was commissioned at the source's `start`: the load profile holds the captures at
 *   grid instants in [start, now] (the newest `profileEntries` of them), the event log the events in
 *   (start, now] (the newest `eventLogEntries`).
 * - Energy is Wh without scaler (double-long-unsigned, rolling over at 2^32 like a register
 *   display); voltage is 0.1 V (long-unsigned, scaler −1, the interval's mean as simulated).
 * - The export register is captured in the load profile only for meters with PV (the simulator's
 *   channels), unless `alwaysCaptureExport`.
 * - Disconnect control runs in control mode 1 (remote_disconnect b/c, remote_reconnect d straight
 *   to connected); the simulator's energy does not follow the breaker.
 * - Image transfer (class 18, 0-0:44.0.0.255) as image-transfer.ts describes; the active firmware
 *   identifier 1-0:0.2.0.255 reports the version of the last activated image (the fleet's at first).
 *
 * Result codes: unknown logical name → object-undefined; known name, other class →
 * object-class-inconsistent; attribute or method the object does not serve → object-unavailable;
 * SET of a read-only attribute or a method the meter refuses → read-write-denied; selective access
 * the attribute does not support (other selector, restricting or selected column not captured) →
 * scope-of-access-violated; a value of the wrong type → type-unmatched; out of range → other-reason.
 */
import { IANAZone } from 'luxon';
import { obis, obisFromBytes, obisToBytes, type EpochSeconds, type MeterEvent, type Obis } from '../../model/index.ts';
import type { ActionResult, AttributeDescriptor, DataAccessResult, MethodDescriptor } from '../../protocols/dlms/apdu/common.ts';
import type { AccessSelection, CaptureObject } from '../../protocols/dlms/apdu/selective-access.ts';
import {
  cosemDateTimeToUtc, decodeDateTimeOctets, encodeDateTimeOctets, utcToCosemDateTime, d, type CosemDateTime, type DlmsData,
} from '../../protocols/dlms/axdr/index.ts';
import { CLASS_ID, COSEM_CLASSES } from '../../protocols/dlms/cosem/classes.ts';
import { INTERVAL_S } from '../clock.ts';
import type { FleetDataSource } from './data-source.ts';
import { meterDrift, simSystemTitle, type ClockDrift } from './keys.ts';
import { createSimImageTransfer, simVerifyFails, type SimActiveFirmware, type SimImageTransferOptions } from './image-transfer.ts';

export type GetResult = DlmsData | { readonly error: DataAccessResult };

export interface ActionOutcome {
  readonly result: ActionResult;
  readonly returnParameters: DlmsData | null;
}

export interface MeterObjects {
  readonly meterId: string;
  get(descriptor: AttributeDescriptor, access?: AccessSelection | null): GetResult;
  set(descriptor: AttributeDescriptor, value: DlmsData): DataAccessResult;
  action(descriptor: MethodDescriptor, params?: DlmsData | null): ActionOutcome;
  /** The meter's clock (epoch seconds, fractional) at the simulated now. */
  meterTime(): number;
  /** The firmware the meter runs (changed by image_activate of the image transfer object). */
  activeFirmware(): SimActiveFirmware;
  /** True once after an image_activate that restarts the meter (image transfer `rebootOnActivate`). */
  takeReboot(): boolean;
  /** The served objects, as the Association LN object list describes them. */
  readonly objects: readonly { readonly classId: number; readonly version: number; readonly logicalName: Obis }[];
}

export interface MeterObjectsOptions {
  readonly source: FleetDataSource;
  readonly meterId: string;
  /** The simulated true now, epoch seconds. */
  readonly clock: () => EpochSeconds;
  /** Default `meterDrift(fleet seed, meter index)`; `{ ppm: 0, offsetS: 0 }` for a perfect clock. */
  readonly drift?: ClockDrift;
  /** Default the fleet's zone. European DST rules (last Sunday of March/October, 01:00 UTC) are assumed. */
  readonly zone?: string;
  /** Load profile capacity, default 62 days of quarter hours. */
  readonly profileEntries?: number;
  /** Standard event log capacity, default 250. */
  readonly eventLogEntries?: number;
  readonly alwaysCaptureExport?: boolean;
  /** Security setup attribute 2 (version 1 bits); default 0x6C: requests and responses authenticated and encrypted. */
  readonly securityPolicy?: number;
  /** Default 'MSK' + the meter index. */
  readonly systemTitle?: Uint8Array;
  /** The frame counter the meter would use next (object 0-0:43.1.0.255), e.g. from the association layer. */
  readonly invocationCounter?: () => number;
  /** The firmware running at start (default the fleet's version, identifier null); e.g. from a saved state. */
  readonly activeFirmware?: SimActiveFirmware;
  /** Image transfer object (0-0:44.0.0.255) settings; `verifyFails` defaults to `simVerifyFails(meterId)`. */
  readonly imageTransfer?: Partial<Omit<SimImageTransferOptions, 'vendor' | 'model' | 'active'>>;
}

export const LN = {
  clock: obis('0-0:1.0.0.255'),
  serial: obis('0-0:96.1.0.255'),
  firmware: obis('1-0:0.2.0.255'),
  deviceName: obis('0-0:42.0.0.255'),
  invocationCounter: obis('0-0:43.1.0.255'),
  eventCode: obis('0-0:96.11.0.255'),
  importWh: obis('1-0:1.8.0.255'),
  exportWh: obis('1-0:2.8.0.255'),
  voltage: [obis('1-0:32.7.0.255'), obis('1-0:52.7.0.255'), obis('1-0:72.7.0.255')] as readonly Obis[],
  loadProfile: obis('1-0:99.1.0.255'),
  eventLog: obis('0-0:99.98.0.255'),
  disconnect: obis('0-0:96.3.10.255'),
  association: obis('0-0:40.0.0.255'),
  securitySetup: obis('0-0:43.0.0.255'),
  imageTransfer: obis('0-0:44.0.0.255'),
} as const;

/** DLMS unit codes used here (Blue Book unit enumeration). */
const UNIT_WH = 30;
const UNIT_V = 35;

const CONTROL_STATE = { disconnected: 0, connected: 1, readyForReconnection: 2 } as const;

const err = (error: DataAccessResult): GetResult => ({ error });
/** True when a GET answered with a Data-Access-Result instead of data. */
export const isGetError = (r: GetResult): r is { readonly error: DataAccessResult } => 'error' in r;
const ascii = (s: string): DlmsData => d.octets(Uint8Array.from(Buffer.from(s, 'latin1')));
const U32 = 2 ** 32;
const u32Wrapped = (v: number): DlmsData => d.u32(((v % U32) + U32) % U32);

interface Attr {
  readonly get: (access: AccessSelection | null) => GetResult;
  readonly set?: (value: DlmsData) => DataAccessResult;
  readonly selectors?: readonly number[];
}
type Method = (params: DlmsData | null) => ActionOutcome;

interface CosemObject {
  readonly classId: number;
  readonly version: number;
  readonly logicalName: Obis;
  readonly attrs: ReadonlyMap<number, Attr>;
  readonly methods: ReadonlyMap<number, Method>;
}

function captureDef(classId: number, ln: Obis, attributeId: number): CaptureObject {
  return { classId, logicalName: obisToBytes(ln), attributeId, dataIndex: 0 };
}

function captureData(c: CaptureObject): DlmsData {
  return d.structure(d.u16(c.classId), d.octets(c.logicalName), d.i8(c.attributeId), d.u16(c.dataIndex));
}

function sameCapture(a: CaptureObject, b: CaptureObject): boolean {
  return a.classId === b.classId && a.attributeId === b.attributeId && a.dataIndex === b.dataIndex
    && a.logicalName.length === 6 && a.logicalName.every((x, i) => x === b.logicalName[i]);
}

/** A profile's rows, oldest first: entry i (0-based) of `count`. */
interface ProfileView {
  readonly count: number;
  /** Entries with from ≤ time ≤ to: [i0, i1). */
  indexRange(from: number, to: number): [number, number];
  rows(i0: number, i1: number): DlmsData[][];
}

/** A COSEM date-time value (octet-string of 12 or date-time) → epoch seconds; null if it is neither or unmappable. */
function dateTimeValue(v: DlmsData, zone: string): number | null {
  let dt: CosemDateTime;
  try {
    if (v.type === 'octet-string') dt = decodeDateTimeOctets(v.value);
    else if (v.type === 'date-time') dt = v.value;
    else return null;
    return cosemDateTimeToUtc(dt, { fallbackZone: zone });
  } catch {
    return null;
  }
}

export function createMeterObjects(opts: MeterObjectsOptions): MeterObjects {
  const { source, meterId, clock } = opts;
  const m = source.meterIndex(meterId);
  const fleet = source.fleet;
  const profile = fleet.profiles[m]!;
  const meter = fleet.meters[m]!;
  const zone = opts.zone ?? fleet.zone;
  const iana = IANAZone.create(zone);
  const drift = opts.drift ?? meterDrift(fleet.seed, m);
  const profileEntries = opts.profileEntries ?? 62 * 96;
  const eventLogEntries = opts.eventLogEntries ?? 250;
  const systemTitle = Uint8Array.from(opts.systemTitle ?? simSystemTitle(m));
  const securityPolicy = opts.securityPolicy ?? 0x6c;
  if (!(Number.isInteger(profileEntries) && profileEntries >= 1) || !(Number.isInteger(eventLogEntries) && eventLogEntries >= 1)) {
    throw new RangeError('profileEntries and eventLogEntries must be positive integers');
  }
  if (systemTitle.length !== 8) throw new RangeError('a system title is 8 octets');

  // --- clock -------------------------------------------------------------------------------------
  let ref: number = source.start;
  let offset = drift.offsetS;
  const meterTimeAt = (t: number): number => t + offset + (t - ref) * drift.ppm * 1e-6;
  const meterTime = (): number => meterTimeAt(clock());
  const setMeterTime = (value: number): void => {
    const now = clock();
    ref = now;
    offset = value - now;
  };
  const stamp = (t: number): DlmsData => d.octets(encodeDateTimeOctets(utcToCosemDateTime(t, { zone })));
  const stdOffsetMin = (): number => {
    const year = new Date(clock() * 1000).getUTCFullYear();
    return Math.min(iana.offset(Date.UTC(year, 0, 1)), iana.offset(Date.UTC(year, 6, 1)));
  };
  const observesDst = (): boolean => {
    const year = new Date(clock() * 1000).getUTCFullYear();
    return iana.offset(Date.UTC(year, 0, 1)) !== iana.offset(Date.UTC(year, 6, 1));
  };
  /** Daylight saving begin/end as the Blue Book's recurring date-time: last Sunday of the month, local hour. */
  const dstRule = (month: number, localHour: number): DlmsData => d.octets(encodeDateTimeOctets({
    year: null, month, day: 'last', dayOfWeek: 7, hour: localHour, minute: 0, second: 0, hundredths: 0, deviation: null, clockStatus: null,
  }));
  const roundClockTo = (step: number): ActionOutcome => {
    const t = meterTime();
    setMeterTime(Math.round(t / step) * step);
    return ok();
  };

  // --- data --------------------------------------------------------------------------------------
  const lastGrid = (): number => Math.floor(clock() / INTERVAL_S) * INTERVAL_S;
  const registersNow = (): { imp: number; exp: number } => {
    const now = clock();
    const g = Math.floor(now / INTERVAL_S) * INTERVAL_S;
    const r = source.registersAt(m, g);
    if (now === g) return r;
    // Inside an interval the register has counted its share of the interval so far.
    const frac = (now - g) / INTERVAL_S;
    const next = source.interval(m, g + INTERVAL_S);
    return { imp: r.imp + Math.floor(next.imp * frac), exp: r.exp + Math.floor(next.exp * frac) };
  };
  const voltageNow = (phase: number): number => {
    const end = Math.ceil(clock() / INTERVAL_S) * INTERVAL_S;
    return Math.round(source.voltageMv(m, phase, end) / 100);
  };
  const eventsNow = (): MeterEvent[] => {
    const all = source.events(m, source.start, clock());
    return all.length > eventLogEntries ? all.slice(all.length - eventLogEntries) : all;
  };

  // --- objects -----------------------------------------------------------------------------------
  const objects = new Map<Obis, CosemObject>();
  const ok = (returnParameters: DlmsData | null = null): ActionOutcome => ({ result: 'success', returnParameters });
  const refuse = (result: ActionResult): ActionOutcome => ({ result, returnParameters: null });
  const add = (classId: number, version: number, ln: Obis, attrs: Record<number, Attr>, methods: Record<number, Method> = {}): void => {
    const a = new Map<number, Attr>([[1, { get: () => d.octets(obisToBytes(ln)) }]]);
    for (const [id, attr] of Object.entries(attrs)) a.set(Number(id), attr);
    objects.set(ln, { classId, version, logicalName: ln, attrs: a, methods: new Map(Object.entries(methods).map(([id, f]) => [Number(id), f])) });
  };
  const ro = (get: () => GetResult): Attr => ({ get: () => get() });

  add(CLASS_ID.clock, COSEM_CLASSES.clock.version, LN.clock, {
    2: {
      get: () => stamp(meterTime()),
      set: (v) => {
        const t = dateTimeValue(v, zone);
        if (t === null) return v.type === 'octet-string' || v.type === 'date-time' ? 'other-reason' : 'type-unmatched';
        setMeterTime(t);
        return 'success';
      },
    },
    3: ro(() => d.i16(-stdOffsetMin())),
    4: ro(() => d.u8(utcToCosemDateTime(meterTime(), { zone }).clockStatus ?? 0)),
    5: ro(() => dstRule(3, 1 + stdOffsetMin() / 60)),
    6: ro(() => dstRule(10, 2 + stdOffsetMin() / 60)),
    7: ro(() => d.i8(observesDst() ? 60 : 0)),
    8: ro(() => d.boolean(observesDst())),
    9: ro(() => d.enum(1)), // internal crystal
  }, {
    1: () => roundClockTo(INTERVAL_S), // adjust_to_quarter
    3: () => roundClockTo(60), // adjust_to_minute
    6: (p) => { // shift_time: long, −900..900 seconds
      if (p?.type !== 'long') return refuse('type-unmatched');
      if (p.value < -900 || p.value > 900) return refuse('other-reason');
      setMeterTime(meterTime() + p.value);
      return ok();
    },
  });

  add(CLASS_ID.data, 0, LN.serial, { 2: ro(() => ascii(meterId)) });
  const image = createSimImageTransfer({
    vendor: meter.vendor ?? '', model: meter.model ?? '', verifyFails: simVerifyFails(meterId), ...opts.imageTransfer,
    active: opts.activeFirmware ?? { version: meter.firmware ?? '', identifier: null },
  });
  add(CLASS_ID.data, 0, LN.firmware, { 2: ro(() => ascii(image.active().version)) });
  const imageAttr = (id: number): Attr => ({ get: () => image.get(id)!, ...(id === 5 ? { set: (v: DlmsData) => image.set(id, v) } : {}) });
  const imageMethod = (id: number): Method => (p) => ({ result: image.action(id, p)!.result, returnParameters: null });
  add(CLASS_ID.imageTransfer, COSEM_CLASSES.imageTransfer.version, LN.imageTransfer,
    Object.fromEntries([2, 3, 4, 5, 6, 7].map((id) => [id, imageAttr(id)])),
    Object.fromEntries([1, 2, 3, 4].map((id) => [id, imageMethod(id)])));
  add(CLASS_ID.data, 0, LN.deviceName, { 2: ro(() => ascii(`MSK${meterId}`)) });
  add(CLASS_ID.data, 0, LN.invocationCounter, { 2: ro(() => d.u32(opts.invocationCounter?.() ?? 0)) });
  add(CLASS_ID.data, 0, LN.eventCode, {
    2: ro(() => {
      const ev = eventsNow();
      return d.u8(ev.length > 0 ? ev[ev.length - 1]!.code : 0);
    }),
  });

  const scalerUnit = (scaler: number, unit: number): Attr => ro(() => d.structure(d.i8(scaler), d.enum(unit)));
  const noReset = { 1: () => refuse('read-write-denied') };
  add(CLASS_ID.register, 0, LN.importWh, { 2: ro(() => u32Wrapped(registersNow().imp)), 3: scalerUnit(0, UNIT_WH) }, noReset);
  add(CLASS_ID.register, 0, LN.exportWh, { 2: ro(() => u32Wrapped(registersNow().exp)), 3: scalerUnit(0, UNIT_WH) }, noReset);
  for (let ph = 0; ph < (profile.threePhase ? 3 : 1); ph++) {
    add(CLASS_ID.register, 0, LN.voltage[ph]!, { 2: ro(() => d.u16(voltageNow(ph))), 3: scalerUnit(-1, UNIT_V) }, noReset);
  }

  // Load profile: clock, import, (export).
  const withExport = profile.pv !== null || opts.alwaysCaptureExport === true;
  const lpCaptures: CaptureObject[] = [
    captureDef(CLASS_ID.clock, LN.clock, 2),
    captureDef(CLASS_ID.register, LN.importWh, 2),
    ...(withExport ? [captureDef(CLASS_ID.register, LN.exportWh, 2)] : []),
  ];
  const loadProfileView = (): ProfileView => {
    const last = lastGrid();
    const first = Math.max(source.start, last - (profileEntries - 1) * INTERVAL_S);
    const count = last >= first ? (last - first) / INTERVAL_S + 1 : 0;
    return {
      count,
      indexRange: (from, to) => [
        Math.max(0, Math.ceil((from - first) / INTERVAL_S)),
        Math.min(count, Math.floor((to - first) / INTERVAL_S) + 1),
      ],
      rows: (i0, i1) => {
        const n = Math.max(0, i1 - i0);
        const t0 = first + i0 * INTERVAL_S;
        const regs = source.registerSeries(m, t0, n);
        const out: DlmsData[][] = [];
        for (let j = 0; j < n; j++) {
          const row = [stamp(t0 + j * INTERVAL_S), u32Wrapped(regs.imp[j]!)];
          if (withExport) row.push(u32Wrapped(regs.exp[j]!));
          out.push(row);
        }
        return out;
      },
    };
  };
  const elCaptures: CaptureObject[] = [captureDef(CLASS_ID.clock, LN.clock, 2), captureDef(CLASS_ID.data, LN.eventCode, 2)];
  const eventLogView = (): ProfileView => {
    const ev = eventsNow();
    return {
      count: ev.length,
      indexRange: (from, to) => {
        let i0 = 0;
        while (i0 < ev.length && ev[i0]!.at < from) i0++;
        let i1 = i0;
        while (i1 < ev.length && ev[i1]!.at <= to) i1++;
        return [i0, i1];
      },
      rows: (i0, i1) => ev.slice(i0, i1).map((e) => [stamp(e.at), d.u8(e.code)]),
    };
  };

  const buffer = (captures: readonly CaptureObject[], view: () => ProfileView) => (access: AccessSelection | null): GetResult => {
    const v = view();
    const table = (i0: number, i1: number, cols: readonly number[]): DlmsData =>
      d.array(...v.rows(i0, i1).map((row) => d.structure(...cols.map((c) => row[c]!))));
    const allCols = captures.map((_, i) => i);
    if (access === null) return table(0, v.count, allCols);
    if ('range' in access) {
      const { restrictingObject, from, to, selectedValues } = access.range;
      if (!sameCapture(restrictingObject, captures[0]!)) return err('scope-of-access-violated');
      const f = dateTimeValue(from, zone);
      const t = dateTimeValue(to, zone);
      if (f === null || t === null) return err('type-unmatched');
      const cols: number[] = [];
      for (const s of selectedValues) {
        const c = captures.findIndex((x) => sameCapture(x, s));
        if (c < 0) return err('scope-of-access-violated');
        cols.push(c);
      }
      const [i0, i1] = v.indexRange(f, t);
      return table(i0, i1, cols.length > 0 ? cols : allCols);
    }
    if ('entry' in access) {
      const e = access.entry;
      const i0 = Math.max(1, e.fromEntry) - 1;
      const i1 = e.toEntry === 0 ? v.count : Math.min(v.count, e.toEntry);
      const c0 = Math.max(1, e.fromSelectedValue) - 1;
      const c1 = e.toSelectedValue === 0 ? captures.length : Math.min(captures.length, e.toSelectedValue);
      return table(i0, Math.max(i0, i1), allCols.slice(c0, Math.max(c0, c1)));
    }
    return err('scope-of-access-violated');
  };
  const profileObject = (ln: Obis, captures: readonly CaptureObject[], period: number, capacity: number, view: () => ProfileView): void => {
    add(CLASS_ID.profileGeneric, COSEM_CLASSES.profileGeneric.version, ln, {
      2: { get: buffer(captures, view), selectors: [1, 2] },
      3: ro(() => d.array(...captures.map(captureData))),
      4: ro(() => d.u32(period)),
      5: ro(() => d.enum(1)), // fifo
      6: ro(() => d.structure(d.u16(0), d.octets(new Uint8Array(6)), d.i8(0), d.u16(0))), // no sort object
      7: ro(() => d.u32(view().count)),
      8: ro(() => d.u32(capacity)),
    }, { 1: () => refuse('read-write-denied'), 2: () => refuse('read-write-denied') });
  };
  profileObject(LN.loadProfile, lpCaptures, INTERVAL_S, profileEntries, loadProfileView);
  profileObject(LN.eventLog, elCaptures, 0, eventLogEntries, eventLogView);

  let controlState: number = CONTROL_STATE.connected;
  const integerParam = (p: DlmsData | null): boolean => p === null || p.type === 'integer';
  add(CLASS_ID.disconnectControl, COSEM_CLASSES.disconnectControl.version, LN.disconnect, {
    2: ro(() => d.boolean(controlState === CONTROL_STATE.connected)),
    3: ro(() => d.enum(controlState)),
    4: ro(() => d.enum(1)),
  }, {
    1: (p) => {
      if (!integerParam(p)) return refuse('type-unmatched');
      controlState = CONTROL_STATE.disconnected;
      return ok();
    },
    2: (p) => {
      if (!integerParam(p)) return refuse('type-unmatched');
      controlState = CONTROL_STATE.connected;
      return ok();
    },
  });

  add(CLASS_ID.securitySetup, COSEM_CLASSES.securitySetup.version, LN.securitySetup, {
    2: ro(() => d.enum(securityPolicy)),
    3: ro(() => d.enum(0)), // suite 0: AES-GCM-128
    5: ro(() => d.octets(systemTitle)),
    6: ro(() => d.array()),
  });

  const objectList = (): DlmsData => d.array(...[...objects.values()].map((o) => {
    const attrAccess = [...o.attrs.entries()].sort((a, b) => a[0] - b[0]).map(([id, a]) => d.structure(
      d.i8(id),
      d.enum(a.set ? 3 : 1), // read-and-write / read-only
      a.selectors ? d.array(...a.selectors.map((s) => d.i8(s))) : d.null(),
    ));
    const methodAccess = [...o.methods.keys()].sort((a, b) => a - b).map((id) => d.structure(d.i8(id), d.enum(1)));
    return d.structure(d.u16(o.classId), d.u8(o.version), d.octets(obisToBytes(o.logicalName)), d.structure(d.array(...attrAccess), d.array(...methodAccess)));
  }));
  add(CLASS_ID.associationLn, COSEM_CLASSES.associationLn.version, LN.association, {
    2: ro(objectList),
    9: ro(() => d.octets(obisToBytes(LN.securitySetup))),
  });

  // --- dispatch ----------------------------------------------------------------------------------
  const lookup = (classId: number, logicalName: Uint8Array): CosemObject | 'object-undefined' | 'object-class-inconsistent' => {
    if (logicalName.length !== 6) return 'object-undefined';
    const o = objects.get(obisFromBytes(logicalName));
    if (o === undefined) return 'object-undefined';
    return o.classId === classId ? o : 'object-class-inconsistent';
  };

  return {
    meterId,
    objects: [...objects.values()].map((o) => ({ classId: o.classId, version: o.version, logicalName: o.logicalName })),
    meterTime,
    activeFirmware: () => image.active(),
    takeReboot: () => image.takeReboot(),
    get(descriptor, access = null) {
      const o = lookup(descriptor.classId, descriptor.logicalName);
      if (typeof o === 'string') return err(o);
      const a = o.attrs.get(descriptor.attributeId);
      if (a === undefined) return err('object-unavailable');
      if (access !== null && !a.selectors?.includes(access.selector)) return err('scope-of-access-violated');
      return a.get(access);
    },
    set(descriptor, value) {
      const o = lookup(descriptor.classId, descriptor.logicalName);
      if (typeof o === 'string') return o;
      const a = o.attrs.get(descriptor.attributeId);
      if (a === undefined) return 'object-unavailable';
      return a.set ? a.set(value) : 'read-write-denied';
    },
    action(descriptor, params = null) {
      const o = lookup(descriptor.classId, descriptor.logicalName);
      if (typeof o === 'string') return refuse(o);
      const f = o.methods.get(descriptor.methodId);
      return f ? f(params) : refuse('object-unavailable');
    },
  };
}
