/**
 * Reads one DLMS/COSEM meter over TCP: connect, associate (keys from the KeyStore by meter id),
 * load profile since the cursor, registers, event log since the cursor, release.
 *
 * - Association: `DlmsClientConnection` (sans-IO), pumped over the TCP connection by `DlmsSession`
 *   (dlms-session.ts): every APDU it produces goes on the wire in order.
 * - The load profile's capture objects (attr 3), capture period (attr 4) and the scaler_unit of
 *   each captured register are read once per meter and cached (`DlmsReader` instance).
 * - The buffer is read with selective access by range: from the cursor to now. When the cursor
 *   carries the register values at its instant (`registers`), the read starts one period later and
 *   passes them as `previous`, so the first row has a delta; before the first read the row at the
 *   cursor is read too and only anchors the deltas.
 * - The reader never moves a cursor: it returns the `next` cursor; the caller adopts it once the
 *   readings are durable (see scheduler.ts).
 * - Every failure is a HeadendError with the code of the cause and the step it happened in.
 */
import type { EpochSeconds, IntervalSeries, MeterEvent, RegisterReading } from '../model/index.ts';
import { obis, type Obis } from '../model/obis.ts';
import { dataOf } from '../protocols/dlms/apdu/index.ts';
import { cosemDateTimeToUtc, decodeDateTimeOctets, type DlmsData } from '../protocols/dlms/axdr/index.ts';
import { parseCaptureObjects, parseCapturePeriod, type CaptureObject } from '../protocols/dlms/cosem/profile-generic.ts';
import { parseScalerUnit, type ScalerUnit } from '../protocols/dlms/cosem/units.ts';
import { DlmsError } from '../protocols/dlms/errors.ts';
import { loadProfileToSeries, registerToReading, type ProfileIssue } from '../protocols/dlms/to-canonical.ts';
import { openDlmsTcp, type DlmsTcpConnection } from '../protocols/dlms/transport-tcp.ts';
import { attributeOf, DlmsSession, rangeAccess, secureClient, type SecureClientOptions } from './dlms-session.ts';
import { HeadendError, type ReadStage } from './errors.ts';

export const LOAD_PROFILE: Obis = obis('1-0:99.1.0.255');
export const EVENT_LOG: Obis = obis('0-0:99.98.0.255');
export const ENERGY_REGISTERS: readonly Obis[] = [obis('1-0:1.8.0.255'), obis('1-0:2.8.0.255')];

/** DLMS standard event log codes → CIM EndDeviceEventType (power down / power up). */
export const EVENT_CIM_TYPES: Readonly<Record<number, string>> = { 1: '3.26.0.185', 2: '3.26.0.216' };

/** Where a meter listens. */
export interface MeterTarget {
  readonly meterId: string;
  readonly host: string;
  readonly port: number;
}

/**
 * What has been read and stored for a meter: plain JSON-safe data the caller persists.
 * Start a meter with `initialCursor(t)`.
 */
export interface MeterCursor {
  /** End of the last stored interval (a capture-period grid instant). */
  readonly profileThrough: EpochSeconds;
  /** The cumulative register values of the profile row at `profileThrough`; empty before the first read. */
  readonly registers: readonly RegisterReading[];
  /** Events stamped up to and including this instant are stored. */
  readonly eventsThrough: EpochSeconds;
}

export function initialCursor(from: EpochSeconds): MeterCursor {
  return { profileThrough: from, registers: [], eventsThrough: from };
}

export interface ReadStats {
  /** Requests put on the wire (AARQ, HLS pass 3, GETs, GET-Next, RLRQ). */
  readonly requests: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Round-trip time of each request, ms. */
  readonly rttMs: readonly number[];
  readonly durationMs: number;
  /** False when the RLRQ got no RLRE (the data was read all the same). */
  readonly released: boolean;
}

export interface MeterReadResult {
  readonly meterId: string;
  readonly series: IntervalSeries[];
  /** Register readings at read time (attr 2 + scaler_unit attr 3). */
  readonly registers: RegisterReading[];
  readonly events: MeterEvent[];
  readonly issues: readonly ProfileIssue[];
  /** The response APDUs as received, concatenated: what the integrity chain hashes. */
  readonly raw: Uint8Array;
  /** The cursor to adopt once these readings are durable. */
  readonly next: MeterCursor;
  readonly stats: ReadStats;
}

/** The security fields (keys, title, counters; persist the counters' and replay guard's exports) and the reading's own. */
export interface DlmsReaderOptions extends SecureClientOptions {
  /** Default 1 (management client). */
  readonly clientWPort?: number;
  /** Default 1 (management logical device). */
  readonly serverWPort?: number;
  /** Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Per request, default 5000. */
  readonly requestTimeoutMs?: number;
  /** The head-end's clock, epoch seconds: the end of the range read. */
  readonly now: () => EpochSeconds;
  /** Local address to connect from (a 127/8 address, for instance). */
  readonly localAddress?: string;
  /** Sees every APDU on the wire (tx: to the meter, rx: from it), e.g. for capture. */
  readonly tap?: (meterId: string, direction: 'tx' | 'rx', apdu: Uint8Array) => void;
}

/** Per-meter profile description, read once. */
interface ProfileMeta {
  readonly captures: readonly CaptureObject[];
  readonly period: number;
  readonly scalerUnits: ReadonlyMap<Obis, ScalerUnit>;
}

const attr = attributeOf;

export class DlmsReader {
  readonly #o: DlmsReaderOptions;
  readonly #meta = new Map<string, ProfileMeta>();

  constructor(o: DlmsReaderOptions) {
    if (o.clientSystemTitle.length !== 8) throw new DlmsError('DLMS_SECURITY_BAD_SYSTEM_TITLE', 'the head-end system title must be 8 octets');
    this.#o = o;
  }

  /** Forgets a meter's cached profile description (e.g. after a firmware change). */
  forget(meterId: string): void {
    this.#meta.delete(meterId);
  }

  /** Whether the profile description of the meter is cached. */
  hasProfileMeta(meterId: string): boolean {
    return this.#meta.has(meterId);
  }

  async read(target: MeterTarget, cursor: MeterCursor): Promise<MeterReadResult> {
    const o = this.#o;
    const { meterId } = target;
    const started = performance.now();
    let stage: ReadStage = 'keys';
    let tcp: DlmsTcpConnection | undefined;
    try {
      const client = await secureClient(o, meterId);
      stage = 'connect';
      tcp = await openDlmsTcp({
        host: target.host, port: target.port, clientWPort: o.clientWPort ?? 1, serverWPort: o.serverWPort ?? 1,
        connectTimeoutMs: o.connectTimeoutMs ?? 5000, ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }),
      });
      const s = new DlmsSession(meterId, tcp, client, o.requestTimeoutMs ?? 5000, o.tap);
      stage = 'associate';
      await s.associate();

      stage = 'read';
      const to = Math.floor(o.now());
      const meta = await this.#profileMeta(s);
      const haveAnchor = meta.captures.some((c) => c.attributeIndex === 2 && cursor.registers.some((r) => r.channel === c.logicalName));
      const from = cursor.profileThrough + (haveAnchor ? meta.period : 0);
      // Profile, registers and event log in one GET-with-list (one round trip where the meter allows it).
      const wantProfile = from <= to;
      const wantEvents = cursor.eventsThrough < to;
      const values = await s.getList([
        ...(wantProfile ? [{ attribute: attr(7, LOAD_PROFILE, 2), access: rangeAccess(from, to) }] : []),
        ...ENERGY_REGISTERS.map((ln) => ({ attribute: attr(3, ln, 2) })),
        ...(wantEvents ? [{ attribute: attr(7, EVENT_LOG, 2), access: rangeAccess(cursor.eventsThrough, to) }] : []),
      ]);
      const buffer = wantProfile ? values.shift() : undefined;
      const regValues: DlmsData[] = values.splice(0, ENERGY_REGISTERS.length).map((v) => dataOf(v));
      const eventBuffer = wantEvents ? values.shift() : undefined;

      stage = 'decode';
      const profile = buffer === undefined
        ? { series: [], registers: [], issues: [] }
        : loadProfileToSeries({
          meterId, captureObjects: meta.captures, capturePeriod: meta.period, scalerUnits: meta.scalerUnits, buffer,
          ...(haveAnchor ? { previous: cursor.registers } : {}),
        });
      const registers: RegisterReading[] = [];
      ENERGY_REGISTERS.forEach((ln, i) => {
        const su = meta.scalerUnits.get(ln);
        if (su === undefined) return;
        const r = registerToReading(meterId, ln, regValues[i]!, su, to);
        if (r !== undefined) registers.push(r.reading);
      });
      const events = eventBuffer === undefined ? [] : eventsOf(meterId, eventBuffer).filter((e) => e.at > cursor.eventsThrough && e.at <= to);
      const lastRow = profile.registers[0]?.at;
      const next: MeterCursor = {
        profileThrough: lastRow ?? cursor.profileThrough,
        registers: lastRow === undefined ? cursor.registers : profile.registers,
        eventsThrough: Math.max(cursor.eventsThrough, to),
      };

      stage = 'read';
      const released = await s.release(); // everything was read; a lost RLRE costs nothing but the socket, closed below
      return {
        meterId, series: profile.series, registers, events, issues: profile.issues, raw: Uint8Array.from(Buffer.concat(s.received)), next,
        stats: { requests: s.requests, bytesSent: s.bytesSent, bytesReceived: s.bytesReceived, rttMs: s.rttMs, durationMs: performance.now() - started, released },
      };
    } catch (err) {
      throw HeadendError.from(err, meterId, stage);
    } finally {
      await tcp?.close();
    }
  }

  async #profileMeta(s: DlmsSession): Promise<ProfileMeta> {
    const have = this.#meta.get(s.peer);
    if (have !== undefined) return have;
    const [capturesRaw, periodRaw] = await s.getList([{ attribute: attr(7, LOAD_PROFILE, 3) }, { attribute: attr(7, LOAD_PROFILE, 4) }]);
    const captures = parseCaptureObjects(dataOf(capturesRaw!));
    const period = parseCapturePeriod(dataOf(periodRaw!));
    const registersOf = [...new Set<Obis>([...ENERGY_REGISTERS, ...captures.filter((c) => c.classId === 3 || c.classId === 4).map((c) => c.logicalName)])];
    const units = await s.getList(registersOf.map((ln) => ({ attribute: attr(captures.find((c) => c.logicalName === ln)?.classId ?? 3, ln, 3) })));
    const scalerUnits = new Map<Obis, ScalerUnit>(registersOf.map((ln, i) => [ln, parseScalerUnit(dataOf(units[i]!))]));
    const meta: ProfileMeta = { captures, period, scalerUnits };
    this.#meta.set(s.peer, meta);
    return meta;
  }
}

/** Event log rows {clock, event code} → MeterEvents. */
function eventsOf(meterId: string, buffer: Uint8Array): MeterEvent[] {
  const table = dataOf(buffer);
  if (table.type !== 'array') throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `the event log buffer is ${table.type}, not an array`);
  return table.value.map((row, i) => {
    if (row.type !== 'structure' || row.value.length < 2) throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `event log row ${i} is not a structure {clock, code}`);
    const [clock, codeData] = row.value;
    if (clock?.type !== 'octet-string' || codeData === undefined || !('value' in codeData) || typeof codeData.value !== 'number') {
      throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `event log row ${i} is not {octet-string clock, numeric code}`);
    }
    const at = Math.round(cosemDateTimeToUtc(decodeDateTimeOctets(clock.value)));
    const code = codeData.value;
    const cimType = EVENT_CIM_TYPES[code];
    return cimType === undefined ? { meterId, at, code } : { meterId, at, code, cimType };
  });
}
