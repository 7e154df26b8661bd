/**
 * BER plumbing shared by the ACSE APDUs (AARQ, AARE, RLRQ, RLRE): the outer [APPLICATION n] TLV,
 * its context-tagged components in definition order (the low five tag bits), and the component
 * encodings DLMS uses — application-context-name and mechanism-name OIDs (2.16.756.5.8.x.y), AP
 * titles, authentication values and the user-information octet string carrying an xDLMS APDU.
 * Components this codec does not interpret are kept verbatim in `other`, so they round-trip.
 */
import { DlmsError } from '../errors.ts';
import { ApduReader, ApduWriter, bad, hex2 } from './cursor.ts';
import { expectTag } from './codec.ts';

/** A component kept as its tag octet and content octets. */
export interface AcseComponent {
  readonly tag: number;
  readonly value: Uint8Array;
}

interface RawComponent extends AcseComponent {
  /** Offset of the content in `input`. */
  readonly at: number;
  readonly input: Uint8Array;
}

/** Reads the outer TLV and its components; checks order (by context number) and allowed numbers. */
export function readComponents(r: ApduReader, tag: number, what: string, allowed: ReadonlySet<number>): Map<number, RawComponent> {
  expectTag(r, tag, what);
  const len = r.count(`${what} length`);
  const end = r.pos + len;
  const out = new Map<number, RawComponent>();
  let last = -1;
  while (r.pos < end) {
    const at = r.pos;
    const t = r.u8(`${what} component tag`);
    const num = t & 0x1f;
    if ((t & 0xc0) !== 0x80 || num === 0x1f || !allowed.has(num)) throw bad(`${hex2(t)} at offset ${at} is not a ${what} component`, at);
    if (num <= last) throw bad(`${what} component ${hex2(t)} at offset ${at} is out of order or repeated`, at);
    last = num;
    const n = r.count(`${what} component length`);
    if (r.pos + n > end) throw bad(`${what} component ${hex2(t)} at offset ${at} overruns the APDU`, at);
    const start = r.pos;
    out.set(num, { tag: t, value: r.view(n, `${what} component`), at: start, input: r.bytes });
  }
  return out;
}

/** Encodes the outer TLV from components, sorted by context number. */
export function writeComponents(w: ApduWriter, tag: number, parts: readonly AcseComponent[]): void {
  const sorted = [...parts].sort((a, b) => (a.tag & 0x1f) - (b.tag & 0x1f));
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i]!.tag & 0x1f) === (sorted[i - 1]!.tag & 0x1f)) throw new DlmsError('DLMS_BAD_VALUE', `ACSE component ${hex2(sorted[i]!.tag)} appears twice`);
  }
  const inner = new ApduWriter();
  for (const p of sorted) inner.u8(p.tag).octets(p.value);
  w.u8(tag).octets(inner.result());
}

/** Splits components into the interpreted ones (by tag octet) and the verbatim rest. */
export function takeComponent(m: Map<number, RawComponent>, tag: number): RawComponent | undefined {
  const c = m.get(tag & 0x1f);
  if (c === undefined) return undefined;
  if (c.tag !== tag) throw bad(`component ${hex2(c.tag)} at offset ${c.at} should be ${hex2(tag)}`, c.at);
  m.delete(tag & 0x1f);
  return c;
}

export function otherComponents(m: Map<number, RawComponent>): AcseComponent[] {
  return [...m.values()].map((c) => ({ tag: c.tag, value: Uint8Array.from(c.value) }));
}

/** Inner reader over a component's content, with offsets into the original input. */
function inner(c: RawComponent): ApduReader {
  return new ApduReader(c.input, c.at, c.at + c.value.length);
}

function offsetOf(_c: RawComponent, r: ApduReader): number {
  return r.pos;
}

const DLMS_OID = [0x60, 0x85, 0x74, 0x05, 0x08] as const;

export const APPLICATION_CONTEXT = { ln: 1, sn: 2, 'ln-ciphered': 3, 'sn-ciphered': 4 } as const;
export type ApplicationContext = keyof typeof APPLICATION_CONTEXT;

export const MECHANISM = { lowest: 0, lls: 1, hls: 2, 'hls-md5': 3, 'hls-sha1': 4, 'hls-gmac': 5, 'hls-sha256': 6, 'hls-ecdsa': 7 } as const;
export type Mechanism = keyof typeof MECHANISM;

function dlmsOid(kind: number, id: number): Uint8Array {
  return Uint8Array.from([...DLMS_OID, kind, id]);
}

function readDlmsOid<K extends string>(c: RawComponent, content: Uint8Array, kind: number, table: Readonly<Record<K, number>>, what: string): K {
  const ok = content.length === 7 && DLMS_OID.every((b, i) => content[i] === b) && content[5] === kind;
  const name = ok ? (Object.entries(table) as [K, number][]).find(([, v]) => v === content[6])?.[0] : undefined;
  if (name === undefined) {
    throw new DlmsError('DLMS_UNSUPPORTED_APDU', `${what} at offset ${c.at} is not a DLMS ${what} this codec knows`, { offset: c.at });
  }
  return name;
}

/** application-context-name [1] ::= OBJECT IDENTIFIER (explicit: A1 09 06 07 60 85 74 05 08 01 xx). */
export function readApplicationContext(c: RawComponent): ApplicationContext {
  const r = inner(c);
  if (r.u8('OID tag') !== 0x06) throw bad(`application-context-name at offset ${c.at} is not an OBJECT IDENTIFIER`, c.at);
  const content = r.view(r.count('OID length'), 'OID');
  if (r.remaining !== 0) throw bad(`octets left in application-context-name at offset ${offsetOf(c, r)}`, offsetOf(c, r));
  return readDlmsOid(c, content, 1, APPLICATION_CONTEXT, 'application-context-name');
}

export function applicationContextComponent(ctx: ApplicationContext): AcseComponent {
  const oid = dlmsOid(1, APPLICATION_CONTEXT[ctx]);
  return { tag: 0xa1, value: Uint8Array.from([0x06, oid.length, ...oid]) };
}

/** mechanism-name: implicit OID content 60 85 74 05 08 02 xx. */
export function readMechanism(c: RawComponent): Mechanism {
  return readDlmsOid(c, c.value, 2, MECHANISM, 'mechanism-name');
}

export function mechanismComponent(tag: number, m: Mechanism): AcseComponent {
  return { tag, value: dlmsOid(2, MECHANISM[m]) };
}

/** acse-requirements BIT STRING with only the authentication bit: 07 80. */
export const ACSE_REQUIREMENTS_AUTH = Uint8Array.of(0x07, 0x80);

export function checkAcseRequirements(c: RawComponent): void {
  if (c.value.length !== 2 || c.value[0] !== 0x07 || c.value[1] !== 0x80) {
    throw new DlmsError('DLMS_UNSUPPORTED_APDU', `acse-requirements at offset ${c.at} is not the authentication functional unit (07 80)`, { offset: c.at });
  }
}

/** Mechanism and acse-requirements come together (authentication functional unit) or not at all. */
export function readAuthentication(req: RawComponent | undefined, mech: RawComponent | undefined, what: string, at: number): Mechanism | null {
  if (req === undefined && mech === undefined) return null;
  if (req === undefined || mech === undefined) throw bad(`${what}: mechanism-name and acse-requirements must appear together`, (req ?? mech)?.at ?? at);
  checkAcseRequirements(req);
  return readMechanism(mech);
}

export function authenticationComponents(reqTag: number, mechTag: number, m: Mechanism | null): AcseComponent[] {
  return m === null ? [] : [{ tag: reqTag, value: ACSE_REQUIREMENTS_AUTH }, mechanismComponent(mechTag, m)];
}

/** A component whose content is one inner TLV with `innerTag` (AP title: 04 len …; auth value: 80 len …). */
export function readWrapped(c: RawComponent, innerTag: number, what: string): Uint8Array {
  const r = inner(c);
  const at = offsetOf(c, r);
  const t = r.u8(`${what} tag`);
  if (t !== innerTag) throw new DlmsError('DLMS_UNSUPPORTED_APDU', `${what} at offset ${at} has inner tag ${hex2(t)}, not ${hex2(innerTag)}`, { offset: at });
  const v = r.take(r.count(`${what} length`), what);
  if (r.remaining !== 0) throw bad(`octets left in ${what} at offset ${offsetOf(c, r)}`, offsetOf(c, r));
  return v;
}

export function wrappedComponent(tag: number, innerTag: number, value: Uint8Array): AcseComponent {
  const w = new ApduWriter();
  w.u8(innerTag).octets(value);
  return { tag, value: w.result() };
}

/** INTEGER content of one octet inside an explicit tag (A2 03 02 01 xx) or an implicit one (80 01 xx). */
export function readSmallInteger(c: RawComponent, explicit: boolean, what: string): number {
  const r = inner(c);
  if (explicit && (r.u8(`${what} tag`) !== 0x02 || r.u8(`${what} length`) !== 1)) {
    throw bad(`${what} at offset ${c.at} is not a one-octet INTEGER`, c.at);
  }
  const v = r.u8(what);
  if (r.remaining !== 0) throw bad(`${what} at offset ${c.at} is not a one-octet INTEGER`, c.at);
  return v;
}

export function smallIntegerComponent(tag: number, explicit: boolean, v: number): AcseComponent {
  const w = new ApduWriter();
  if (explicit) w.u8(0x02).u8(1);
  w.u8(v, 'INTEGER');
  return { tag, value: w.result() };
}

/** user-information [30]: an OCTET STRING (04 len) holding one xDLMS APDU, decoded by `decodeInner`. */
export function readUserInformation<T>(c: RawComponent, decodeInner: (r: ApduReader) => T): T {
  const r = inner(c);
  if (r.u8('user-information tag') !== 0x04) throw bad(`user-information at offset ${c.at} is not an OCTET STRING`, c.at);
  const n = r.count('user-information length');
  if (n !== r.remaining) throw bad(`user-information at offset ${c.at} has ${r.remaining - n} octet(s) after the OCTET STRING`, c.at);
  const apdu = new ApduReader(r.bytes, r.pos, r.end);
  const v = decodeInner(apdu);
  apdu.expectEnd('user-information APDU');
  return v;
}

export function userInformationComponent(apdu: Uint8Array): AcseComponent {
  return wrappedComponent(0xbe, 0x04, apdu);
}

export function requireComponent<T>(v: T | undefined, what: string, at: number): T {
  if (v === undefined) throw bad(`${what} is missing`, at);
  return v;
}

/** `other` may only hold components the APDU codec does not interpret (else they would not round-trip). */
export function checkOther(other: readonly AcseComponent[], allowed: ReadonlySet<number>, interpreted: ReadonlySet<number>, what: string): void {
  for (const c of other) {
    const num = c.tag & 0x1f;
    if ((c.tag & 0xc0) !== 0x80 || !allowed.has(num) || interpreted.has(num)) {
      throw new DlmsError('DLMS_BAD_VALUE', `${hex2(c.tag)} cannot be a verbatim ${what} component`);
    }
  }
}
