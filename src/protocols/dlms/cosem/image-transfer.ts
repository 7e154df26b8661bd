/**
 * Image transfer (COSEM interface class 18, IEC 62056-6-2 "Blue Book"), object 0-0:44.0.0.255:
 * the attribute values and method parameters as pure functions, both ways, for the head-end
 * client and the simulated meters.
 *
 * Attributes: 2 image_block_size (double-long-unsigned), 3 image_transferred_blocks_status
 * (bit-string, bit n = block n, first bit = most significant bit of the first octet),
 * 4 image_first_not_transferred_block_number (double-long-unsigned), 5 image_transfer_enabled
 * (boolean), 6 image_transfer_status (enum 0..7), 7 image_to_activate_info (array of structure
 * {size double-long-unsigned, identification octet-string, signature octet-string}).
 * Methods: 1 image_transfer_initiate(structure {identifier octet-string, size double-long-unsigned}),
 * 2 image_block_transfer(structure {block number double-long-unsigned, value octet-string}),
 * 3 image_verify(integer 0), 4 image_activate(integer 0). Block numbers start at 0; every block but
 * the last is exactly image_block_size octets, the last is not padded.
 * Sources: docs/dlms-image-transfer.md (Gurux, GXF/OSGP, DOMAIN.md §2.2).
 *
 * Every parser takes any DlmsData and either returns the typed value or throws a
 * DLMS_COSEM_BAD_OBJECT DlmsError (DLMS_BAD_VALUE for out-of-range input to an encoder).
 */
import { obis, type Obis } from '../../../model/obis.ts';
import { d, type DlmsData } from '../axdr/types.ts';
import { DlmsError } from '../errors.ts';

export const IMAGE_TRANSFER_CLASS_ID = 18;
export const IMAGE_TRANSFER_LN: Obis = obis('0-0:44.0.0.255');

export const IMAGE_ATTR = { blockSize: 2, blocksStatus: 3, firstNotTransferred: 4, enabled: 5, status: 6, toActivateInfo: 7 } as const;
export const IMAGE_METHOD = { initiate: 1, blockTransfer: 2, verify: 3, activate: 4 } as const;

/** image_transfer_status (attr 6). */
export const IMAGE_TRANSFER_STATUS = {
  'not-initiated': 0,
  initiated: 1,
  'verification-initiated': 2,
  'verification-successful': 3,
  'verification-failed': 4,
  'activation-initiated': 5,
  'activation-successful': 6,
  'activation-failed': 7,
} as const;
export type ImageTransferStatus = keyof typeof IMAGE_TRANSFER_STATUS;
const STATUS_NAMES = Object.keys(IMAGE_TRANSFER_STATUS) as ImageTransferStatus[];

const U32_MAX = 0xffffffff;

export interface ImageInitiate {
  readonly identifier: Uint8Array;
  /** Image size in octets. */
  readonly size: number;
}

export interface ImageBlock {
  readonly blockNumber: number;
  readonly value: Uint8Array;
}

export interface ImageToActivate {
  readonly size: number;
  readonly identifier: Uint8Array;
  readonly signature: Uint8Array;
}

const bad = (msg: string): DlmsError => new DlmsError('DLMS_COSEM_BAD_OBJECT', msg);
const isU32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= U32_MAX;

function checkU32(v: number, what: string): number {
  if (!isU32(v)) throw new DlmsError('DLMS_BAD_VALUE', `${what} ${String(v)} is not a double-long-unsigned (0..2^32-1)`);
  return v;
}

function u32Of(v: DlmsData | undefined, what: string): number {
  if (v?.type !== 'double-long-unsigned') throw bad(`${what} must be double-long-unsigned, got ${v?.type ?? 'nothing'}`);
  return v.value;
}

function octetsOf(v: DlmsData | undefined, what: string): Uint8Array {
  if (v?.type !== 'octet-string') throw bad(`${what} must be an octet-string, got ${v?.type ?? 'nothing'}`);
  return v.value;
}

function fields(v: DlmsData, n: number, what: string): readonly DlmsData[] {
  if (v.type !== 'structure' || v.value.length !== n) throw bad(`${what} must be a structure of ${n}, got ${v.type}${v.type === 'structure' ? ` of ${v.value.length}` : ''}`);
  return v.value;
}

// --- method parameters -------------------------------------------------------------------------

export function encodeInitiate(p: ImageInitiate): DlmsData {
  return d.structure(d.octets(p.identifier), d.u32(checkU32(p.size, 'image_size')));
}

export function parseInitiate(v: DlmsData): ImageInitiate {
  const [id, size] = fields(v, 2, 'image_transfer_initiate parameter');
  return { identifier: octetsOf(id, 'image_identifier'), size: u32Of(size, 'image_size') };
}

export function encodeBlockTransfer(b: ImageBlock): DlmsData {
  return d.structure(d.u32(checkU32(b.blockNumber, 'image_block_number')), d.octets(b.value));
}

export function parseBlockTransfer(v: DlmsData): ImageBlock {
  const [n, value] = fields(v, 2, 'image_block_transfer parameter');
  return { blockNumber: u32Of(n, 'image_block_number'), value: octetsOf(value, 'image_block_value') };
}

/** image_verify and image_activate take integer 0. */
export const VERIFY_ACTIVATE_PARAM: DlmsData = d.i8(0);

/** The parameter of image_verify / image_activate: integer (or unsigned / null from lenient clients) → true. */
export function isVerifyActivateParam(v: DlmsData | null): boolean {
  return v === null || v.type === 'null-data' || v.type === 'integer' || v.type === 'unsigned';
}

// --- attributes --------------------------------------------------------------------------------

export function parseBlockSize(v: DlmsData): number {
  const n = u32Of(v, 'image_block_size');
  if (n === 0) throw bad('image_block_size is 0');
  return n;
}

export function encodeBlocksStatus(received: readonly boolean[]): DlmsData {
  return { type: 'bit-string', value: [...received] };
}

export function parseBlocksStatus(v: DlmsData): boolean[] {
  if (v.type !== 'bit-string') throw bad(`image_transferred_blocks_status must be a bit-string, got ${v.type}`);
  return [...v.value];
}

export function parseFirstNotTransferred(v: DlmsData): number {
  return u32Of(v, 'image_first_not_transferred_block_number');
}

export function parseTransferEnabled(v: DlmsData): boolean {
  if (v.type !== 'boolean') throw bad(`image_transfer_enabled must be a boolean, got ${v.type}`);
  return v.value;
}

export function encodeTransferStatus(s: ImageTransferStatus): DlmsData {
  return d.enum(IMAGE_TRANSFER_STATUS[s]);
}

export function parseTransferStatus(v: DlmsData): ImageTransferStatus {
  const name = v.type === 'enum' ? STATUS_NAMES[v.value] : undefined;
  if (name === undefined) throw bad(`image_transfer_status must be an enum 0..7, got ${v.type}${'value' in v ? ` ${String(v.value)}` : ''}`);
  return name;
}

export function encodeToActivateInfo(items: readonly ImageToActivate[]): DlmsData {
  return d.array(...items.map((i) => d.structure(d.u32(checkU32(i.size, 'image_to_activate_size')), d.octets(i.identifier), d.octets(i.signature))));
}

export function parseToActivateInfo(v: DlmsData): ImageToActivate[] {
  if (v.type !== 'array') throw bad(`image_to_activate_info must be an array, got ${v.type}`);
  return v.value.map((e, i) => {
    const [size, id, sig] = fields(e, 3, `image_to_activate_info element ${i}`);
    return { size: u32Of(size, 'image_to_activate_size'), identifier: octetsOf(id, 'image_to_activate_identification'), signature: octetsOf(sig, 'image_to_activate_signature') };
  });
}

// --- blocks ------------------------------------------------------------------------------------

/** Blocks of an image of `size` octets in blocks of `blockSize`. */
export function blockCount(size: number, blockSize: number): number {
  checkU32(size, 'image_size');
  if (!isU32(blockSize) || blockSize === 0) throw new DlmsError('DLMS_BAD_VALUE', `image_block_size ${String(blockSize)} is not 1..2^32-1`);
  return Math.ceil(size / blockSize);
}

/** Block `n` of `image`: `blockSize` octets, the last one shorter (not padded). A view, not a copy. */
export function imageBlock(image: Uint8Array, n: number, blockSize: number): Uint8Array {
  const count = blockCount(image.length, blockSize);
  if (!Number.isInteger(n) || n < 0 || n >= count) throw new DlmsError('DLMS_BAD_VALUE', `block ${String(n)} is not one of the image's ${count} blocks`);
  return image.subarray(n * blockSize, Math.min(image.length, (n + 1) * blockSize));
}

/** Block numbers below `count` whose bit is not set (a shorter bit-string leaves the rest missing). */
export function missingBlocks(received: readonly boolean[], count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (received[i] !== true) out.push(i);
  return out;
}

// --- the firmware the meter runs -------------------------------------------------------------------

/** Active firmware identifier (class 1 Data, attr 2), as the simulated meters serve it. */
export const ACTIVE_FIRMWARE_LN: Obis = obis('1-0:0.2.0.255');

/** A firmware identifier value: octet-string (read as Latin-1), visible-string or utf8-string → text. */
export function parseFirmwareIdentifier(v: DlmsData): string {
  if (v.type === 'octet-string') {
    let text = '';
    for (const b of v.value) text += String.fromCharCode(b);
    return text;
  }
  if (v.type === 'visible-string' || v.type === 'utf8-string') return v.value;
  throw bad(`a firmware identifier must be an octet-string or a string, got ${v.type}`);
}
