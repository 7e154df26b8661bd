/**
 * `meterstack decode dsmr`: a capture (one or more telegrams, an encrypted Smarty frame as bytes or
 * as hex text) → JSON-ready results, one per telegram, in the contract of ARCHITECTURE.md §5:
 * `{header, crc: {present, valid}, objects: [{obis, raw, value, unit}], readings: [...]}` plus the
 * meter, events and notes. Pure: the CLI only prints what this returns.
 */
import { epochToIso, OBIS_TABLE, type EpochSeconds, type MeterEvent, type RegisterReading } from '../../model/index.ts';
import { crcHex } from './crc.ts';
import { decryptFrame, GENERAL_GLO_CIPHERING, type EncryptedFrame } from './encrypted.ts';
import { DsmrError } from './errors.ts';
import { codeInfo } from './obis-code.ts';
import { TelegramSplitter } from './splitter.ts';
import { parseTelegram, type DsmrObject, type Telegram } from './telegram.ts';
import { equipmentId, toCanonical } from './to-canonical.ts';
import type { DsmrValue } from './values.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface InspectOptions {
  readonly zone?: string;
  /** Smarty decryption key and (optional) authentication key, 16 octets each. */
  readonly key?: Uint8Array;
  readonly authKey?: Uint8Array;
  /** Meter id for the readings (default: the telegram's equipment id, else "unknown"). */
  readonly meterId?: string;
  /** When the capture was taken: the time of readings of telegrams without a date-time. */
  readonly at?: EpochSeconds;
}

/** Every telegram in the capture, decoded; a broken one throws its DSMR_* error with its offset. */
export function inspectDsmr(input: Uint8Array, opts: InspectOptions = {}): Json[] {
  const bytes = hexCapture(input) ?? input;
  const splitter = new TelegramSplitter();
  const events = [...splitter.push(bytes), ...splitter.end()];
  const out: Json[] = [];
  for (const e of events) {
    if (e.kind === 'telegram') out.push(inspectTelegram(e.bytes, e.offset, null, opts));
    else if (e.kind === 'encrypted') {
      if (opts.key === undefined) throw new DsmrError('DSMR_KEY_REQUIRED', 'the capture holds an encrypted (0xDB) frame: give its decryption key', { offset: e.offset });
      const { plaintext, frame } = withOffset(e.offset, () => decryptFrame(e.bytes, { key: opts.key!, ...(opts.authKey ? { authKey: opts.authKey } : {}) }));
      out.push(inspectTelegram(plaintext, 0, frame, opts));
    }
  }
  if (out.length === 0) {
    const skipped = events.find((e) => e.kind === 'skipped');
    throw new DsmrError('DSMR_BAD_HEADER', 'no telegram found: a telegram starts with "/" (or 0xDB for an encrypted frame)', { offset: skipped?.offset ?? 0 });
  }
  return out;
}

function inspectTelegram(bytes: Uint8Array, offset: number, frame: EncryptedFrame | null, opts: InspectOptions): Json {
  const t = parseTelegram(bytes, { baseOffset: offset, ...(opts.zone ? { zone: opts.zone } : {}) });
  const notes = [...t.notes];
  if (t.crc.present && !t.crc.valid) notes.push(`CRC mismatch (DSMR_CRC_MISMATCH): declared ${crcHex(t.crc.declared!)}, computed ${crcHex(t.crc.computed)}; ingest would refuse this telegram`);
  let canonical;
  try {
    canonical = toCanonical(t, { meterId: opts.meterId ?? undefinedIfNone(t), ...(opts.at !== undefined ? { receivedAt: opts.at } : {}) });
    notes.push(...canonical.notes);
  } catch (err) {
    if (!(err instanceof DsmrError)) throw err;
    notes.push(err.message);
  }
  return {
    ...(frame ? { encryption: frameJson(frame) } : {}),
    header: { ...t.header },
    crc: { present: t.crc.present, valid: t.crc.valid, declared: t.crc.declared === null ? null : crcHex(t.crc.declared), computed: crcHex(t.crc.computed) },
    flavor: t.flavor,
    zone: t.zone,
    timestamp: iso(t.timestamp),
    objects: t.objects.map(objectJson),
    meter: canonical ? (JSON.parse(JSON.stringify(canonical.meter)) as Json) : null,
    readings: canonical ? canonical.registers.map(readingJson) : [],
    events: canonical ? canonical.events.map(eventJson) : [],
    notes,
  };
}

/** The telegram's own id when it has one; "unknown" otherwise, so decode still shows readings. */
function undefinedIfNone(t: Telegram): string | undefined {
  return equipmentId(t) === undefined ? 'unknown' : undefined;
}

function objectJson(o: DsmrObject): Json {
  const name = nameOf(o);
  const v = valueJson(o.value);
  return { obis: o.obis, raw: o.raw, ...v, ...(name ? { name } : {}) };
}

function nameOf(o: DsmrObject): string | undefined {
  return codeInfo(o.obis).spec?.name ?? (o.code ? OBIS_TABLE.get(o.code)?.name : undefined);
}

function valueJson(v: DsmrValue): { value: Json; unit: string | null; at?: string | null } {
  switch (v.kind) {
    case 'empty': return { value: null, unit: null };
    case 'number': return { value: v.value, unit: v.unit };
    case 'text': return { value: v.value, unit: null };
    case 'time': return { value: iso(v.at), unit: null };
    case 'reading': return { value: v.value, unit: v.unit, at: iso(v.at) };
    case 'power-failures': return { value: v.entries.map((e) => ({ at: iso(e.at), durationS: e.durationS })), unit: null };
    case 'list': return { value: v.items.map((i) => { const j = valueJson(i); return { ...j } as Json; }), unit: null };
  }
}

const iso = (t: number | null): string | null => (t === null || !Number.isFinite(t) ? null : epochToIso(t));

function readingJson(r: RegisterReading): Json {
  return { meterId: r.meterId, channel: r.channel, at: epochToIso(r.at), value: r.value, unit: OBIS_TABLE.get(r.channel)?.unit ?? null, quality: r.quality ?? 'A' };
}

function eventJson(e: MeterEvent): Json {
  return { meterId: e.meterId, at: epochToIso(e.at), code: e.code, cimType: e.cimType ?? null, details: (e.details ?? null) as Json };
}

function frameJson(f: EncryptedFrame): Json {
  return {
    tag: 'general-glo-ciphering', systemTitle: Buffer.from(f.systemTitle).toString('hex'),
    securityControl: `0x${f.securityControl.toString(16).padStart(2, '0')}`, invocationCounter: f.invocationCounter, authenticated: true,
  };
}

function withOffset<T>(offset: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DsmrError && err.offset !== undefined && offset > 0) throw new DsmrError(err.code, err.message, { offset: offset + err.offset, cause: err });
    throw err;
  }
}

/**
 * A capture of an encrypted frame is often kept as hex text (the corpus, logs): text of only hex
 * digits and blanks that decodes to a 0xDB frame is read as those bytes.
 */
function hexCapture(b: Uint8Array): Uint8Array | undefined {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  const clean = text.replace(/\s+/g, '');
  if (clean.length < 4 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) return undefined;
  const bytes = Uint8Array.from(Buffer.from(clean, 'hex'));
  return bytes[0] === GENERAL_GLO_CIPHERING ? bytes : undefined;
}
