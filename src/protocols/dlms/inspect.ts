/**
 * `meterstack decode dlms`: bytes as captured (HDLC frames, a wrapper PDU or a bare APDU) → a
 * JSON-ready tree of every layer (framing, security, APDU, COSEM values with OBIS names) and the
 * canonical readings the APDU yields. Pure: the CLI only prints what this returns.
 */
import { epochToIso, obisDefinition, obisFromBytes, type EpochSeconds, type RegisterReading } from '../../model/index.ts';
import { decodeApdu, dataOf, type Apdu } from './apdu/index.ts';
import { cosemDateTimeToUtc, decodeDateTimeOctets, type CosemDateTime, type DlmsData } from './axdr/index.ts';
import { parsePushBody } from './cosem/push.ts';
import { DlmsError } from './errors.ts';
import { HdlcFrameReader, HdlcSegmentAssembler, decodeWrapper, parseLlc, type HdlcFrame } from './framing/index.ts';
import { GENERAL_GLO_CIPHERING_TAG, GLO_TAGS, decodeCiphered, open, parseControl } from './security/index.ts';
import { pushToReadings } from './to-canonical.ts';

export interface InspectOptions {
  /** Suite-0 keys to decrypt ciphered APDUs. */
  readonly keys?: { readonly ek: Uint8Array; readonly ak: Uint8Array };
  /** The sender's system title, needed for glo-ciphering (general-glo carries its own). */
  readonly systemTitle?: Uint8Array;
  /** Meter id for the canonical readings (default: the capture's own, else "unknown"). */
  readonly meterId?: string;
  /** When the capture was taken, for notifications that carry no time of their own. */
  readonly at?: EpochSeconds;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Inspection {
  readonly bytes: number;
  readonly framing: Json;
  readonly security: Json;
  readonly apdu: Json;
  readonly readings: Json[];
  readonly notes: string[];
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const CIPHERED_TAGS = new Set<number>([GENERAL_GLO_CIPHERING_TAG, ...Object.values(GLO_TAGS).map((t) => t.tag)]);

export function inspectDlms(bytes: Uint8Array, opts: InspectOptions = {}): Inspection {
  const notes: string[] = [];
  const { framing, apdu: carried } = unframe(bytes);
  let apdu = carried;
  let security: Json = null;
  if (apdu.length > 0 && CIPHERED_TAGS.has(apdu[0]!)) {
    const c = decodeCiphered(apdu);
    const systemTitle = c.kind === 'general-glo-ciphering' ? c.systemTitle : opts.systemTitle;
    const sc = parseControl(c.content[0] ?? 0);
    security = {
      kind: c.kind, securityControl: `0x${(c.content[0] ?? 0).toString(16).padStart(2, '0')}`, ...toJson(sc) as object,
      systemTitle: systemTitle ? hex(systemTitle) : null,
      invocationCounter: c.content.length >= 5 ? new DataView(c.content.buffer, c.content.byteOffset + 1, 4).getUint32(0) : null,
      decrypted: false,
    };
    if (!opts.keys) {
      notes.push('the APDU is ciphered: pass --ek and --ak (and --system-title for glo-ciphering) to decrypt it');
      return { bytes: bytes.length, framing, security, apdu: null, readings: [], notes };
    }
    const opened = open(apdu, { ek: opts.keys.ek, ak: opts.keys.ak, ...(opts.systemTitle ? { systemTitle: opts.systemTitle } : {}) });
    security = { ...(security as object), decrypted: true, mode: opened.mode };
    apdu = opened.plaintext;
  }
  const decoded = decodeApdu(apdu);
  const readings = canonical(decoded, opts, notes);
  return { bytes: bytes.length, framing, security, apdu: toJson(decoded), readings: readings.map(readingJson), notes };
}

/** Strips HDLC (reassembling segments) or the TCP wrapper; anything else is taken as a bare APDU. */
function unframe(bytes: Uint8Array): { framing: Json; apdu: Uint8Array } {
  if (bytes[0] === 0x7e) {
    const reader = new HdlcFrameReader();
    const segments = new HdlcSegmentAssembler();
    reader.push(bytes);
    const frames: Json[] = [];
    for (let f = reader.next(); f !== undefined; f = reader.next()) {
      frames.push(frameJson(f));
      const info = segments.push(f);
      if (info !== undefined) {
        const { llc, apdu } = parseLlc(info);
        return { framing: { kind: 'hdlc', frames, llc: llc ?? null }, apdu };
      }
    }
    throw new DlmsError('DLMS_HDLC_BAD_FRAME', `no complete HDLC message in ${bytes.length} bytes (${frames.length} frame(s) read)`, { offset: bytes.length });
  }
  if (bytes.length >= 8 && bytes[0] === 0x00 && bytes[1] === 0x01) {
    const w = decodeWrapper(bytes);
    return { framing: { kind: 'wrapper', version: 1, sourceWPort: w.sourceWPort, destinationWPort: w.destinationWPort, length: w.apdu.length }, apdu: w.apdu };
  }
  return { framing: { kind: 'none' }, apdu: bytes };
}

function frameJson(f: HdlcFrame & { hcs?: number | undefined; fcs?: number }): Json {
  return toJson({ segmented: f.segmented, destination: f.destination, source: f.source, control: f.control, infoLength: f.info.length, hcs: f.hcs ?? null, fcs: f.fcs ?? null });
}

/** A DataNotification carrying a push list becomes register readings at its time stamp. */
function canonical(apdu: Apdu, opts: InspectOptions, notes: string[]): RegisterReading[] {
  if (apdu.type !== 'data-notification') return [];
  const body = dataOf(apdu.body);
  const push = parsePushBody(body);
  const at = notificationTime(apdu.dateTime, push.objects) ?? opts.at;
  if (at === undefined) {
    notes.push('the notification carries no date-time and no clock object: give --at to time its values as readings');
    return [];
  }
  const meterId = opts.meterId ?? deviceId(push.objects) ?? 'unknown';
  const out = pushToReadings(meterId, push.objects, at);
  if (out.unmapped.length > 0) notes.push(`${out.unmapped.length} object(s) without a canonical channel or scaler_unit were not turned into readings`);
  return out.registers;
}

function notificationTime(dt: CosemDateTime | null, objects: readonly { logicalName: string; value: DlmsData }[]): EpochSeconds | undefined {
  const clock = objects.find((o) => o.logicalName === '0-0:1.0.0.255')?.value;
  const candidate = dt ?? (clock?.type === 'octet-string' && clock.value.length === 12 ? decodeDateTimeOctets(clock.value) : clock?.type === 'date-time' ? clock.value : null);
  if (candidate === null || candidate === undefined) return undefined;
  try {
    return Math.floor(cosemDateTimeToUtc(candidate));
  } catch {
    return undefined;
  }
}

function deviceId(objects: readonly { logicalName: string; value: DlmsData }[]): string | undefined {
  const id = objects.find((o) => o.logicalName === '0-0:96.1.0.255' || o.logicalName === '0-0:96.1.1.255')?.value;
  if (id?.type === 'octet-string' && id.value.every((b) => b >= 0x20 && b < 0x7f)) return Buffer.from(id.value).toString('latin1');
  if (id?.type === 'visible-string') return id.value;
  return undefined;
}

function readingJson(r: RegisterReading): Json {
  return { meterId: r.meterId, channel: r.channel, at: epochToIso(r.at), value: r.value, unit: obisDefinition(r.channel)?.unit ?? null, quality: r.quality ?? 'A' };
}

/** Data-valued fields of APDUs are raw views (decoded lazily); render them as COSEM trees. */
const DATA_KEYS = new Set(['data', 'body', 'value', 'parameters']);

export function toJson(v: unknown, key = ''): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) {
    if (key === 'logicalName' && v.length === 6) return logicalNameJson(v);
    if (DATA_KEYS.has(key)) {
      try {
        return dlmsJson(dataOf(v));
      } catch {
        return hex(v);
      }
    }
    return hex(v);
  }
  if (Array.isArray(v)) return v.map((x) => toJson(x));
  const out: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = toJson(x, k);
  return out;
}

function logicalNameJson(b: Uint8Array): Json {
  const code = obisFromBytes(b);
  const name = obisDefinition(code)?.name;
  return name ? { obis: code, name } : { obis: code };
}

function dlmsJson(d: DlmsData): Json {
  switch (d.type) {
    case 'array':
    case 'structure':
      return { type: d.type, value: d.value.map(dlmsJson) };
    case 'octet-string': {
      const out: { [k: string]: Json } = { type: d.type, value: hex(d.value) };
      if (d.value.length === 6) Object.assign(out, { asLogicalName: logicalNameJson(d.value) });
      if (d.value.length === 12) {
        try {
          out.asDateTime = epochToIso(Math.floor(cosemDateTimeToUtc(decodeDateTimeOctets(d.value))));
        } catch { /* not a date-time, or one without enough fields: leave it as bytes */ }
      }
      return out;
    }
    case 'date-time':
      try {
        return { type: d.type, value: epochToIso(Math.floor(cosemDateTimeToUtc(d.value))), fields: toJson(d.value) };
      } catch {
        return { type: d.type, fields: toJson(d.value) };
      }
    default:
      return toJson(d);
  }
}
