/**
 * Fields shared by the xDLMS service APDUs (IEC 62056-5-3): invoke-id-and-priority (8 and 32 bit),
 * COSEM attribute and method descriptors, the result enumerations, data blocks and Get-Data-Result.
 */
import { DlmsError } from '../errors.ts';
import { ApduReader, ApduWriter, bad, checkLogicalName, hex2 } from './cursor.ts';
import { readDataView } from './data-span.ts';

/** Invoke-Id-And-Priority: bits 0-3 invoke id, bit 6 service class (1 = confirmed), bit 7 priority (1 = high). */
export interface InvokeIdAndPriority {
  readonly invokeId: number;
  readonly confirmed: boolean;
  readonly highPriority: boolean;
}

export function readInvoke(r: ApduReader): InvokeIdAndPriority {
  const at = r.pos;
  const b = r.u8('invoke-id-and-priority');
  if ((b & 0x30) !== 0) throw bad(`invoke-id-and-priority ${hex2(b)} at offset ${at} has reserved bits 4-5 set`, at);
  return { invokeId: b & 0x0f, confirmed: (b & 0x40) !== 0, highPriority: (b & 0x80) !== 0 };
}

export function writeInvoke(w: ApduWriter, v: InvokeIdAndPriority): void {
  if (!Number.isInteger(v.invokeId) || v.invokeId < 0 || v.invokeId > 15) {
    throw new DlmsError('DLMS_BAD_VALUE', `invoke id ${String(v.invokeId)} is not 0..15`);
  }
  w.u8(v.invokeId | (v.confirmed ? 0x40 : 0) | (v.highPriority ? 0x80 : 0));
}

/** Long-Invoke-Id-And-Priority: bits 0-23 invoke id, 28 self-descriptive, 29 break-on-error, 30 confirmed, 31 high priority. */
export interface LongInvokeIdAndPriority {
  readonly invokeId: number;
  readonly selfDescriptive: boolean;
  readonly breakOnError: boolean;
  readonly confirmed: boolean;
  readonly highPriority: boolean;
}

export function readLongInvoke(r: ApduReader): LongInvokeIdAndPriority {
  const at = r.pos;
  const v = r.u32('long-invoke-id-and-priority');
  if ((v & 0x0f000000) !== 0) throw bad(`long-invoke-id-and-priority at offset ${at} has reserved bits 24-27 set`, at);
  return {
    invokeId: v & 0xffffff,
    selfDescriptive: (v & 0x10000000) !== 0,
    breakOnError: (v & 0x20000000) !== 0,
    confirmed: (v & 0x40000000) !== 0,
    highPriority: v >= 0x80000000,
  };
}

export function writeLongInvoke(w: ApduWriter, v: LongInvokeIdAndPriority): void {
  if (!Number.isInteger(v.invokeId) || v.invokeId < 0 || v.invokeId > 0xffffff) {
    throw new DlmsError('DLMS_BAD_VALUE', `long invoke id ${String(v.invokeId)} is not 0..2^24-1`);
  }
  const flags = (v.selfDescriptive ? 0x10 : 0) | (v.breakOnError ? 0x20 : 0) | (v.confirmed ? 0x40 : 0) | (v.highPriority ? 0x80 : 0);
  w.u32(flags * 0x1000000 + v.invokeId);
}

/** Cosem-Attribute-Descriptor: class id, 6-octet logical name, attribute id (Integer8). */
export interface AttributeDescriptor {
  readonly classId: number;
  readonly logicalName: Uint8Array;
  readonly attributeId: number;
}

export function readAttributeDescriptor(r: ApduReader): AttributeDescriptor {
  return { classId: r.u16('class id'), logicalName: r.take(6, 'logical name'), attributeId: r.i8('attribute id') };
}

export function writeAttributeDescriptor(w: ApduWriter, v: AttributeDescriptor): void {
  w.u16(v.classId, 'class id').bytes(checkLogicalName(v.logicalName)).i8(v.attributeId, 'attribute id');
}

/** Cosem-Method-Descriptor: class id, 6-octet logical name, method id (Integer8). */
export interface MethodDescriptor {
  readonly classId: number;
  readonly logicalName: Uint8Array;
  readonly methodId: number;
}

export function readMethodDescriptor(r: ApduReader): MethodDescriptor {
  return { classId: r.u16('class id'), logicalName: r.take(6, 'logical name'), methodId: r.i8('method id') };
}

export function writeMethodDescriptor(w: ApduWriter, v: MethodDescriptor): void {
  w.u16(v.classId, 'class id').bytes(checkLogicalName(v.logicalName)).i8(v.methodId, 'method id');
}

/** A named enumeration with a two-way table; unknown octets are rejected with their offset. */
export function enumeration<const N extends string>(what: string, table: Readonly<Record<N, number>>) {
  const byValue = new Map<number, N>(Object.entries(table).map(([k, v]) => [v as number, k as N]));
  return {
    names: Object.keys(table) as N[],
    read(r: ApduReader): N {
      const at = r.pos;
      const b = r.u8(what);
      const name = byValue.get(b);
      if (name === undefined) throw bad(`${what} ${b} at offset ${at} is not a known value`, at);
      return name;
    },
    write(w: ApduWriter, name: N): void {
      const v = table[name];
      if (v === undefined) throw new DlmsError('DLMS_BAD_VALUE', `${what} "${String(name)}" is not a known value`);
      w.u8(v);
    },
  };
}

/** Data-Access-Result (used by GET and SET). */
export const DATA_ACCESS_RESULT = {
  success: 0,
  'hardware-fault': 1,
  'temporary-failure': 2,
  'read-write-denied': 3,
  'object-undefined': 4,
  'object-class-inconsistent': 9,
  'object-unavailable': 11,
  'type-unmatched': 12,
  'scope-of-access-violated': 13,
  'data-block-unavailable': 14,
  'long-get-aborted': 15,
  'no-long-get-in-progress': 16,
  'long-set-aborted': 17,
  'no-long-set-in-progress': 18,
  'data-block-number-invalid': 19,
  'other-reason': 250,
} as const;
export type DataAccessResult = keyof typeof DATA_ACCESS_RESULT;
export const dataAccessResult = enumeration<DataAccessResult>('data-access-result', DATA_ACCESS_RESULT);

/** Action-Result (used by ACTION). */
export const ACTION_RESULT = {
  success: 0,
  'hardware-fault': 1,
  'temporary-failure': 2,
  'read-write-denied': 3,
  'object-undefined': 4,
  'object-class-inconsistent': 9,
  'object-unavailable': 11,
  'type-unmatched': 12,
  'scope-of-access-violated': 13,
  'data-block-unavailable': 14,
  'long-action-aborted': 15,
  'no-long-action-in-progress': 16,
  'other-reason': 250,
} as const;
export type ActionResult = keyof typeof ACTION_RESULT;
export const actionResult = enumeration<ActionResult>('action-result', ACTION_RESULT);

/**
 * Get-Data-Result ::= CHOICE { data [0] Data, data-access-result [1] }. `data` is the raw A-XDR
 * octets (a view into the input); `dataOf(data)` decodes them.
 */
export type GetDataResult = { readonly data: Uint8Array } | { readonly error: DataAccessResult };

export function readGetDataResult(r: ApduReader): GetDataResult {
  const choice = r.choice('Get-Data-Result choice', [0, 1]);
  return choice === 0 ? { data: readDataView(r) } : { error: dataAccessResult.read(r) };
}

export function writeGetDataResult(w: ApduWriter, v: GetDataResult): void {
  if ('data' in v) w.u8(0).bytes(v.data);
  else dataAccessResult.write(w.u8(1), v.error);
}

/** DataBlock-SA: last-block, block-number, raw-data (SET and ACTION block transfer). */
export interface DataBlockSA {
  readonly lastBlock: boolean;
  readonly blockNumber: number;
  readonly rawData: Uint8Array;
}

export function readDataBlockSA(r: ApduReader): DataBlockSA {
  const lastBlock = r.bool('last-block');
  const blockNumber = r.u32('block-number');
  const n = r.count('raw-data length');
  return { lastBlock, blockNumber, rawData: r.view(n, 'raw-data') };
}

export function writeDataBlockSA(w: ApduWriter, v: DataBlockSA): void {
  w.bool(v.lastBlock).u32(v.blockNumber, 'block-number').octets(v.rawData, 'raw-data');
}

/** A SEQUENCE OF with at least one element (a with-list APDU naming nothing is rejected). */
export function readList<T>(r: ApduReader, what: string, readOne: (r: ApduReader) => T, minEach = 1): T[] {
  const at = r.pos;
  const n = r.count(`${what} count`, minEach);
  if (n === 0) throw bad(`${what} at offset ${at} is empty`, at);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(readOne(r));
  return out;
}

export function writeList<T>(w: ApduWriter, what: string, items: readonly T[], writeOne: (w: ApduWriter, v: T) => void): void {
  if (items.length === 0) throw new DlmsError('DLMS_BAD_VALUE', `${what} is empty`);
  w.length(items.length, `${what} count`);
  for (const it of items) writeOne(w, it);
}
