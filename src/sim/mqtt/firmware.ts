import { createHash } from 'node:crypto';

/**
 * The simulated MQTT meters' side of firmware commands (docs/mqtt.md § Firmware commands): the
 * image is kept in memory block by block; firmware-initiate with the identifier and sha256 it
 * already holds part of resumes at the first missing block; verify checks every block is there and
 * the SHA-256 matches; activate makes the image's version the meter's firmware (reported to
 * `onVersion`, which persists it). A deterministic share of meters fails verification, so
 * campaigns show failures.
 */

export const FIRMWARE_COMMANDS = ['firmware-initiate', 'firmware-block', 'firmware-verify', 'firmware-activate'] as const;

export interface InitiateArgs {
  readonly identifier: string;
  readonly size: number;
  readonly sha256: string;
  readonly blockSize: number;
  readonly version?: string;
}

export interface BlockArgs {
  readonly n: number;
  readonly data: Uint8Array;
}

const MAX_IMAGE = 16 * 1024 * 1024;

class ArgsError extends Error {}

/** Checks firmware-initiate args; throws an Error whose message goes back to the platform. */
export function parseInitiate(a: Record<string, unknown>): InitiateArgs {
  const { identifier, size, sha256, blockSize, version } = a;
  if (typeof identifier !== 'string' || !/^[\x20-\x7e]{1,64}$/.test(identifier)) throw new ArgsError('identifier must be 1–64 printable ASCII characters');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_IMAGE) throw new ArgsError(`size must be 1–${MAX_IMAGE}`);
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new ArgsError('sha256 must be 64 lower-case hex digits');
  if (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 64 || blockSize > 65_536) throw new ArgsError('blockSize must be 64–65536');
  if (version !== undefined && (typeof version !== 'string' || !/^[\x20-\x7e]{1,64}$/.test(version))) throw new ArgsError('version must be 1–64 printable ASCII characters');
  return { identifier, size, sha256, blockSize, ...(version !== undefined ? { version } : {}) };
}

export function parseBlock(a: Record<string, unknown>, blocks: number, blockSize: number, size: number): BlockArgs {
  const { n, data } = a;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= blocks) throw new ArgsError(`block number must be 0–${blocks - 1}`);
  if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) throw new ArgsError('data must be base64');
  const bytes = Buffer.from(data, 'base64');
  const expected = n === blocks - 1 ? size - n * blockSize : blockSize;
  if (bytes.length !== expected) throw new ArgsError(`block ${n} has ${bytes.length} bytes, expected ${expected}`);
  return { n, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

interface Transfer {
  readonly args: InitiateArgs;
  readonly blocks: (Uint8Array | undefined)[];
  verified: boolean;
}

export interface SimFirmwareOptions {
  /** The firmware each meter runs at first. */
  readonly initial: (meterId: string) => string | undefined;
  /** Versions set by earlier activations (persisted by the caller). */
  readonly versions?: Readonly<Record<string, string>>;
  /** Called after an activation, to persist the meter's new version. */
  readonly onVersion?: (meterId: string, version: string) => void;
  /** Meters that fail verification; default: about `failShare` of meters, chosen by a hash of the id. */
  readonly fails?: (meterId: string) => boolean;
  /** Default 0.05. */
  readonly failShare?: number;
  /** Time a meter takes to store a block (ms, default 0), so progress is visible. */
  readonly blockDelayMs?: number;
}

/** Whether a meter is in the deterministic share that fails verification. */
export function failsVerify(meterId: string, share: number): boolean {
  const h = createHash('sha256').update(`fw-fail:${meterId}`).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < share;
}

export class SimFirmware {
  private readonly transfers = new Map<string, Transfer>();
  private readonly versions: Map<string, string>;

  constructor(private readonly opts: SimFirmwareOptions) {
    this.versions = new Map(Object.entries(opts.versions ?? {}));
  }

  version(meterId: string): string | undefined {
    return this.versions.get(meterId) ?? this.opts.initial(meterId);
  }

  handles(name: string): boolean {
    return (FIRMWARE_COMMANDS as readonly string[]).includes(name);
  }

  async handle(meterId: string, name: string, args: Record<string, unknown>): Promise<unknown> {
    switch (name) {
      case 'firmware-initiate': {
        const a = parseInitiate(args);
        const held = this.transfers.get(meterId);
        if (held && held.args.identifier === a.identifier && held.args.sha256 === a.sha256 && held.args.blockSize === a.blockSize && held.args.size === a.size) {
          const missing = held.blocks.findIndex((b) => b === undefined);
          return { nextBlock: missing === -1 ? held.blocks.length : missing };
        }
        this.transfers.set(meterId, { args: a, blocks: new Array<Uint8Array | undefined>(Math.ceil(a.size / a.blockSize)).fill(undefined), verified: false });
        return { nextBlock: 0 };
      }
      case 'firmware-block': {
        const t = this.need(meterId);
        const b = parseBlock(args, t.blocks.length, t.args.blockSize, t.args.size);
        if (this.opts.blockDelayMs) await new Promise((r) => setTimeout(r, this.opts.blockDelayMs));
        t.blocks[b.n] = b.data;
        t.verified = false;
        return { n: b.n };
      }
      case 'firmware-verify': {
        const t = this.need(meterId);
        const missing = t.blocks.findIndex((b) => b === undefined);
        if (missing !== -1) throw new Error(`image incomplete: block ${missing} missing`);
        const h = createHash('sha256');
        for (const b of t.blocks) h.update(b!);
        const fails = this.opts.fails ? this.opts.fails(meterId) : failsVerify(meterId, this.opts.failShare ?? 0.05);
        if (fails || h.digest('hex') !== t.args.sha256) throw new Error('image verification failed: sha256 does not match');
        t.verified = true;
        return { ok: true };
      }
      case 'firmware-activate': {
        const t = this.need(meterId);
        if (!t.verified) throw new Error('activate before a successful verify');
        const version = t.args.version ?? t.args.identifier;
        this.versions.set(meterId, version);
        this.transfers.delete(meterId);
        this.opts.onVersion?.(meterId, version);
        return { version };
      }
      default:
        throw new Error(`unknown command ${name}`);
    }
  }

  private need(meterId: string): Transfer {
    const t = this.transfers.get(meterId);
    if (!t) throw new Error('no image transfer initiated');
    return t;
  }
}
