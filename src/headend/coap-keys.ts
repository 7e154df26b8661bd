import { MIN_KEY_OCTETS } from '../protocols/coap/index.ts';
import type { CoapDeviceKeys } from './coap-ingest.ts';

/**
 * Per-device CoAP keys held in memory (the app loads them from the keystore file). Keys are
 * private fields: they never show in logs, JSON or util.inspect.
 */
export class CoapKeyTable implements CoapDeviceKeys {
  readonly #keys = new Map<string, Uint8Array>();

  /** From `{ meterId: hex }`; a key shorter than 16 octets or not hex is refused, naming the meter only. */
  static fromHex(entries: Readonly<Record<string, string>>): CoapKeyTable {
    const t = new CoapKeyTable();
    for (const [id, hex] of Object.entries(entries)) {
      if (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new RangeError(`CoAP key of "${id}" is not hex`);
      t.set(id, Uint8Array.from(Buffer.from(hex, 'hex')));
    }
    return t;
  }

  set(meterId: string, key: Uint8Array): void {
    if (key.length < MIN_KEY_OCTETS) throw new RangeError(`CoAP key of "${meterId}" has ${key.length} octets; at least ${MIN_KEY_OCTETS}`);
    this.#keys.set(meterId, Uint8Array.from(key));
  }

  delete(meterId: string): void {
    this.#keys.delete(meterId);
  }

  get size(): number {
    return this.#keys.size;
  }

  keyFor(meterId: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.#keys.get(meterId));
  }

  toJSON(): { devices: number } {
    return { devices: this.#keys.size };
  }
}
