/**
 * The firmware images simulated meters understand. To a campaign an image is opaque bytes; a
 * simulated DLMS meter verifies it (image_verify) by this format and learns from it which version it
 * runs after image_activate.
 *
 * Layout (big-endian), `size` octets in all:
 *
 *   0   4  magic "MSFW"
 *   4   1  format version (1)
 *   5   1  vendor length v, then v octets UTF-8
 *   .   1  model length m, then m octets UTF-8
 *   .   1  version length n, then n octets UTF-8
 *   .   …  filler: SHA-256(header ‖ counter) blocks, deterministic, so the same arguments give the same image
 *   size−32  32  SHA-256 of every octet before it (the trailer)
 *
 * A meter accepts an image when the magic, format and lengths are right, the trailer matches the
 * rest, and vendor and model are its own; a flipped bit anywhere fails the trailer.
 */
import { createHash } from 'node:crypto';
import type { FirmwareImageBytes } from '../model/firmware.ts';
import { MeterstackError } from '../model/errors.ts';

export const SIM_IMAGE_MAGIC = 'MSFW';
const FORMAT = 1;
const TRAILER = 32;
/** Default image size: 16 KiB, 86 blocks of 192 octets. */
export const SIM_IMAGE_DEFAULT_SIZE = 16 * 1024;
/** Largest image the builder makes (and a simulated meter accepts): 16 MiB. */
export const SIM_IMAGE_MAX_SIZE = 16 * 1024 * 1024;

export interface SimImageInfo {
  readonly vendor: string;
  readonly model: string;
  readonly version: string;
}

export interface ParsedSimImage extends SimImageInfo {
  readonly size: number;
  /** SHA-256 of the whole image, lower-case hex. */
  readonly sha256: string;
}

const invalid = (msg: string, offset?: number): MeterstackError =>
  new MeterstackError('SIM_IMAGE_INVALID', msg, offset === undefined ? {} : { offset });

function header(info: SimImageInfo): Uint8Array {
  const parts = [info.vendor, info.model, info.version].map((s, i) => {
    const b = Buffer.from(s, 'utf8');
    if (b.length === 0 || b.length > 255) throw invalid(`${['vendor', 'model', 'version'][i]} must be 1..255 octets of UTF-8`);
    return Buffer.concat([Uint8Array.of(b.length), b]);
  });
  return Uint8Array.from(Buffer.concat([Buffer.from(SIM_IMAGE_MAGIC, 'ascii'), Uint8Array.of(FORMAT), ...parts]));
}

/** Builds the image of `version` for `vendor`/`model`; `size` (default 16 KiB) includes header and trailer. */
export function buildSimImage(opts: SimImageInfo & { readonly size?: number }): Uint8Array {
  const head = header(opts);
  const size = opts.size ?? SIM_IMAGE_DEFAULT_SIZE;
  const min = head.length + TRAILER;
  if (!Number.isInteger(size) || size < min || size > SIM_IMAGE_MAX_SIZE) throw invalid(`size must be an integer ${min}..${SIM_IMAGE_MAX_SIZE}, got ${String(size)}`);
  const out = new Uint8Array(size);
  out.set(head, 0);
  const counter = new Uint8Array(4);
  for (let at = head.length, i = 0; at < size - TRAILER; i++) {
    new DataView(counter.buffer).setUint32(0, i);
    const block = createHash('sha256').update(head).update(counter).digest();
    const n = Math.min(block.length, size - TRAILER - at);
    out.set(block.subarray(0, n), at);
    at += n;
  }
  out.set(createHash('sha256').update(out.subarray(0, size - TRAILER)).digest(), size - TRAILER);
  return out;
}

/** Reads and checks an image: SIM_IMAGE_INVALID (with the offset) unless it is a well-formed simulator image. */
export function parseSimImage(bytes: Uint8Array): ParsedSimImage {
  if (bytes.length < 5 + 3 + TRAILER) throw invalid(`${bytes.length} octets is shorter than any simulator image`);
  if (bytes.length > SIM_IMAGE_MAX_SIZE) throw invalid(`${bytes.length} octets is larger than ${SIM_IMAGE_MAX_SIZE}`);
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== SIM_IMAGE_MAGIC) throw invalid('no "MSFW" magic', 0);
  if (bytes[4] !== FORMAT) throw invalid(`format ${bytes[4]} is not ${FORMAT}`, 4);
  let at = 5;
  const fields: string[] = [];
  for (const what of ['vendor', 'model', 'version']) {
    const n = bytes[at]!;
    if (n === 0 || at + 1 + n > bytes.length - TRAILER) throw invalid(`${what} length ${n} does not fit the image`, at);
    fields.push(Buffer.from(bytes.subarray(at + 1, at + 1 + n)).toString('utf8'));
    at += 1 + n;
  }
  const body = bytes.subarray(0, bytes.length - TRAILER);
  const want = createHash('sha256').update(body).digest();
  if (!want.equals(bytes.subarray(bytes.length - TRAILER))) throw invalid('the SHA-256 trailer does not match the image', bytes.length - TRAILER);
  const [vendor, model, version] = fields as [string, string, string];
  return { vendor, model, version, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The image as a FirmwarePath takes it (demo and test images): identifier "MSFW <model> <version>"
 * in printable ASCII, at most 64 octets.
 */
export function simFirmwareImage(opts: SimImageInfo & { readonly size?: number }): FirmwareImageBytes {
  const bytes = buildSimImage(opts);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const identifier = `MSFW ${opts.model} ${opts.version}`.replace(/[^\x20-\x7e]/g, '_').slice(0, 64);
  return { id: `sim-${sha256.slice(0, 16)}`, version: opts.version, identifier, bytes, sha256 };
}
