/**
 * Profile generic (class 7): capture objects (attr 3), capture period (attr 4), sort method
 * (attr 5), entries in use (attr 7), and the column description that lets the fast walker
 * (`walkProfile`) decode a buffer (attr 2) into typed columns. Clock columns (class 8 attr 2)
 * become epoch seconds; the walker also reports each row's clock status octet.
 */
import { obisFromBytes, type Obis } from '../../../model/obis.ts';
import type { DlmsData } from '../axdr/types.ts';
import { walkProfile, type ColumnType, type WalkOptions } from '../axdr/walk.ts';
import { DlmsError } from '../errors.ts';
import { CLASS_ID } from './classes.ts';

export interface CaptureObject {
  readonly classId: number;
  readonly logicalName: Obis;
  readonly attributeIndex: number;
  /** 0 = the whole attribute; n = the n-th element of an array/structure attribute. */
  readonly dataIndex: number;
}

/** Sort method (attr 5), Blue Book enum. */
export const SORT_METHOD = { fifo: 1, lifo: 2, largest: 3, smallest: 4, nearestToZero: 5, farthestFromZero: 6 } as const;
export type SortMethod = keyof typeof SORT_METHOD;

const bad = (msg: string): DlmsError => new DlmsError('DLMS_COSEM_BAD_OBJECT', msg);

function uint(d: DlmsData | undefined, what: string): number {
  if (d === undefined || !('value' in d) || typeof d.value !== 'number' || !Number.isInteger(d.value) || d.value < 0) {
    throw bad(`${what} must be an unsigned integer, got ${d?.type ?? 'nothing'}`);
  }
  return d.value;
}

/** The logical name as a 6-octet octet-string → Obis. */
export function logicalName(d: DlmsData | undefined, what = 'logical_name'): Obis {
  if (d?.type !== 'octet-string' || d.value.length !== 6) throw bad(`${what} must be a 6-octet octet-string, got ${d?.type ?? 'nothing'}`);
  return obisFromBytes(d.value);
}

/** Attribute 3: array of structure { class_id: long-unsigned, logical_name, attribute_index: integer, data_index: long-unsigned }. */
export function parseCaptureObjects(data: DlmsData): CaptureObject[] {
  if (data.type !== 'array') throw bad(`capture_objects must be an array, got ${data.type}`);
  return data.value.map((e, i) => {
    if (e.type !== 'structure' || e.value.length !== 4) throw bad(`capture object ${i} must be a structure of 4`);
    const [c, ln, a, di] = e.value;
    const attributeIndex = a?.type === 'integer' || a?.type === 'unsigned' ? a.value : NaN;
    if (!(attributeIndex >= 1)) throw bad(`capture object ${i}: attribute_index must be a positive integer`);
    return { classId: uint(c, `capture object ${i} class_id`), logicalName: logicalName(ln, `capture object ${i} logical_name`), attributeIndex, dataIndex: uint(di, `capture object ${i} data_index`) };
  });
}

/** Attribute 4: capture period in seconds (0 = asynchronous, captured on trigger only). */
export function parseCapturePeriod(data: DlmsData): number {
  if (data.type !== 'double-long-unsigned') throw bad(`capture_period must be double-long-unsigned, got ${data.type}`);
  return data.value;
}

export function parseSortMethod(data: DlmsData): SortMethod {
  const v = data.type === 'enum' ? data.value : -1;
  const name = (Object.keys(SORT_METHOD) as SortMethod[]).find((k) => SORT_METHOD[k] === v);
  if (!name) throw bad(`sort_method must be an enum 1..6, got ${data.type} ${'value' in data ? String(data.value) : ''}`);
  return name;
}

/** Attributes 7 (entries_in_use) and 8 (profile_entries). */
export function parseEntries(data: DlmsData): number {
  if (data.type !== 'double-long-unsigned') throw bad(`entries must be double-long-unsigned, got ${data.type}`);
  return data.value;
}

/** A clock's time attribute: the row's capture time. */
export function isClockColumn(c: CaptureObject): boolean {
  return c.classId === CLASS_ID.clock && c.attributeIndex === 2;
}

/** Walker column types for a capture list: the clock's time → date-time, everything else numeric. */
export function profileColumnTypes(captures: readonly CaptureObject[]): ColumnType[] {
  return captures.map((c) => (isClockColumn(c) ? 'date-time' : 'numeric'));
}

export interface WalkedProfile {
  readonly rows: number;
  /** One Float64Array per capture object; date-time columns hold epoch seconds, null cells NaN. */
  readonly columns: readonly Float64Array[];
  /** Clock status octet per row of the first clock column (0xFF = not specified); absent without a clock column. */
  readonly clockStatus?: Uint8Array;
}

/** Decode a buffer (attr 2) with the fast walker, with each row's clock status (of the first clock column). */
export function walkProfileBuffer(bytes: Uint8Array, captures: readonly CaptureObject[], opts: WalkOptions = {}): WalkedProfile {
  const clockCol = captures.findIndex(isClockColumn);
  const walked = walkProfile(bytes, profileColumnTypes(captures), clockCol < 0 ? opts : { ...opts, statusColumn: clockCol });
  if (walked.clockStatus === undefined) return { rows: walked.rows, columns: walked.columns };
  return { rows: walked.rows, columns: walked.columns, clockStatus: walked.clockStatus };
}
