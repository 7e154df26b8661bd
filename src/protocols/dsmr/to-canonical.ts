/**
 * A parsed telegram → the canonical model: the meter it describes, its channels, register readings
 * and power-failure events.
 *
 * - Meter id: the caller's, else the equipment id 0-0:96.1.1 (hex-decoded), else 0-0:96.1.0,
 *   0-0:42.0.0 or 1-0:0.0.0; DSMR_NO_METER_ID when none of them exists.
 * - Every object whose OBIS code the model's table knows, whose unit converts to the table's stored
 *   unit and that has a number becomes a RegisterReading at the telegram time (or `receivedAt` for
 *   telegrams without one, DSMR 2.2/3.0). Instantaneous values (power, voltage, current) too: they
 *   are readings of a register-like channel (interval 0) at that instant.
 * - M-Bus readings (0-n:24.2.1, e-MUCS 0-n:24.2.3, DSMR 2.2 0-n:24.3.0) are stamped with their own
 *   capture time. The channel follows the device type 0-n:24.1.0: gas on 0-n:24.2.1 (24.2.3 kept
 *   as such), water on 8-n:1.0.0. Placeholders without a valid time or unit yield nothing.
 * - Each entry of the long power-failure log 1-0:99.97.0 is a power-down event at its start and a
 *   power-up event at its end (DLMS standard event codes 1/2, CIM 3.26.0.185/216). The log repeats
 *   in every telegram; the store keeps one event per (meter, time, code).
 */
import {
  OBIS_TABLE, obis, readingTypeCode, type Channel, type EpochSeconds, type Meter, type MeterEvent, type Obis, type ObisDefinition,
  type RegisterReading,
} from '../../model/index.ts';
import { DsmrError } from './errors.ts';
import { MBUS_DEVICE } from './objects.ts';
import type { Telegram } from './telegram.ts';
import type { DsmrValue } from './values.ts';

export interface CanonicalOptions {
  /** Meter id to use instead of the telegram's equipment id. */
  readonly meterId?: string;
  /** When the telegram was received: the time of its readings if it carries no date-time. */
  readonly receivedAt?: EpochSeconds;
}

export interface CanonicalTelegram {
  readonly meter: Meter;
  readonly channels: readonly Channel[];
  readonly registers: readonly RegisterReading[];
  readonly events: readonly MeterEvent[];
  readonly notes: readonly string[];
}

export const POWER_DOWN = { code: 1, cimType: '3.26.0.185' } as const;
export const POWER_UP = { code: 2, cimType: '3.26.0.216' } as const;

const POWER_FAILURE_LOG = '1-0:99.97.0';

/** What the lines say about the meter: its id, P1 version and M-Bus device types. */
interface Identity {
  id: string | undefined;
  version: string | undefined;
  readonly devices: (number | undefined)[];
}

function identity(t: Telegram): Identity {
  const out: Identity = { id: undefined, version: undefined, devices: [] };
  let rank = Infinity;
  for (const o of t.objects) {
    const info = o.info;
    const v = o.value;
    if (info.idRank >= 0 && info.idRank < rank) {
      const id = v.kind === 'text' ? v.value.trim() : v.kind === 'number' ? String(v.value) : '';
      if (id !== '') { out.id = id; rank = info.idRank; }
    } else if (info.mbus?.role === 'device-type' && v.kind === 'number') out.devices[info.mbus.n] = v.value;
    else if ((o.obis === '1-3:0.2.8' || o.obis === '0-0:96.1.4') && v.kind === 'text') out.version ??= v.value;
  }
  return out;
}

/** The meter id the telegram names (0-0:96.1.1, else 0-0:96.1.0, 0-0:42.0.0, 1-0:0.0.0), or undefined. */
export function equipmentId(t: Telegram): string | undefined {
  return identity(t).id;
}

/** Canonical channels per M-Bus channel number (index 1-4). */
const GAS: Obis[] = [];
const GAS_UNCORRECTED: Obis[] = [];
const WATER: Obis[] = [];
for (let n = 1; n <= 4; n++) {
  GAS[n] = obis(`0-${n}:24.2.1`);
  GAS_UNCORRECTED[n] = obis(`0-${n}:24.2.3`);
  WATER[n] = obis(`8-${n}:1.0.0`);
}

/** Channel objects are the same for every telegram of a meter: built once per meter (bounded cache). */
const channelCache = new Map<string, Map<Obis, Channel>>();

function channelsOf(meterId: string): Map<Obis, Channel> {
  let byObis = channelCache.get(meterId);
  if (byObis === undefined) {
    if (channelCache.size >= 10_000) channelCache.clear();
    channelCache.set(meterId, (byObis = new Map()));
  }
  return byObis;
}

function channelOf(byObis: Map<Obis, Channel>, meterId: string, def: ObisDefinition): Channel {
  let ch = byObis.get(def.obis);
  if (ch === undefined) byObis.set(def.obis, (ch = { meterId, obis: def.obis, unit: def.unit, intervalS: 0, readingType: readingTypeCode(def, 0) }));
  return ch;
}

export function toCanonical(t: Telegram, opts: CanonicalOptions = {}): CanonicalTelegram {
  const who = identity(t);
  const meterId = opts.meterId ?? who.id;
  if (meterId === undefined) {
    throw new DsmrError('DSMR_NO_METER_ID', 'the telegram has no equipment id (0-0:96.1.1, 0-0:96.1.0, 0-0:42.0.0 or 1-0:0.0.0); give the meter id');
  }
  const notes: string[] = [];
  const at = t.timestamp ?? opts.receivedAt ?? null;
  if (at === null) notes.push('the telegram has no date-time and no receive time was given: only M-Bus readings with their own time are readings');
  const registers: RegisterReading[] = [];
  const events: MeterEvent[] = [];
  const channels: Channel[] = [];
  const known = channelsOf(meterId);
  const add = (def: ObisDefinition, when: EpochSeconds, value: number): void => {
    registers.push({ meterId, channel: def.obis, at: when, value });
    const ch = channelOf(known, meterId, def);
    if (!channels.includes(ch)) channels.push(ch);
  };
  for (const o of t.objects) {
    const v = o.value;
    if (v.kind === 'number') {
      const def = o.info.def;
      if (def !== undefined && at !== null && def.unit === v.unit) add(def, at, v.value);
    } else if (v.kind === 'reading') {
      const role = o.info.mbus;
      if (role === undefined || role.role === 'device-type' || v.value === null || !Number.isInteger(v.at) || v.at < 0) continue;
      // A channel without a device type line is read as gas: DSMR 2.2-5 meters had only gas on M-Bus.
      const type = who.devices[role.n] ?? MBUS_DEVICE.gas;
      const channel = type === MBUS_DEVICE.water ? WATER[role.n] : type === MBUS_DEVICE.gas
        ? (role.role === 'volume' ? GAS : GAS_UNCORRECTED)[role.n] : undefined;
      const def = channel === undefined ? undefined : OBIS_TABLE.get(channel);
      if (def !== undefined && def.unit === v.unit) add(def, v.at, v.value);
    } else if (v.kind === 'power-failures' && o.obis === POWER_FAILURE_LOG) {
      powerFailureEvents(meterId, v, events, notes);
    }
  }
  return { meter: meterOf(t, meterId, who.version), channels, registers, events, notes };
}

function meterOf(t: Telegram, id: string, version: string | undefined): Meter {
  return {
    id, kind: 'electricity', vendor: t.header.manufacturer, model: t.header.identification,
    ...(version !== undefined ? { firmware: `P1 ${version}` } : {}),
    protocol: t.flavor === 'e-MUCS' ? 'dsmr-p1 (e-MUCS)' : 'dsmr-p1', timeZone: t.zone, status: 'active',
  };
}

function powerFailureEvents(meterId: string, v: Extract<DsmrValue, { kind: 'power-failures' }>, out: MeterEvent[], notes: string[]): void {
  let skipped = 0;
  for (const e of v.entries) {
    if (!Number.isInteger(e.at) || e.at < 0 || !Number.isInteger(e.durationS) || e.durationS < 0) { skipped++; continue; }
    const details = { source: POWER_FAILURE_LOG, durationS: e.durationS };
    const start = e.at - e.durationS;
    // Meters with an unset clock log year-2000 ends with durations of 2^31 s; such a start is no time.
    if (start >= 0) out.push({ meterId, at: start, code: POWER_DOWN.code, cimType: POWER_DOWN.cimType, details });
    else skipped++;
    out.push({ meterId, at: e.at, code: POWER_UP.code, cimType: POWER_UP.cimType, details });
  }
  if (skipped > 0) notes.push(`${skipped} power-failure log entr${skipped === 1 ? 'y has' : 'ies have'} no valid start or end time`);
}
