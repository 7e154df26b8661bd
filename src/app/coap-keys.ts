import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeterstackError } from '../model/index.ts';
import type { CoapDeviceKeys } from '../headend/coap-ingest.ts';
import { CoapKeyTable } from '../headend/coap-keys.ts';

export const COAP_KEYS_FILE = 'coap-keys.json';

/** How often at most the file's modification time is looked at. */
const RECHECK_MS = 2000;

/**
 * The software keystore of CoAP device keys: `<data>/coap-keys.json`,
 * `{ "devices": { "<meter id>": "<hex key, ≥ 16 octets>" } }`, readable by its owner only.
 * Edited by hand or by provisioning tools; changes are picked up without a restart. A broken
 * file at start is a configuration error; a broken edit later keeps the last good keys.
 */
export class CoapKeyFile implements CoapDeviceKeys {
  readonly file: string;
  readonly #onError: (msg: string) => void;
  #table: CoapKeyTable;
  #mtimeMs: number;
  #checkedAt = 0;

  private constructor(file: string, table: CoapKeyTable, mtimeMs: number, onError: (msg: string) => void) {
    this.file = file;
    this.#table = table;
    this.#mtimeMs = mtimeMs;
    this.#onError = onError;
  }

  static open(dataDir: string, onError: (msg: string) => void = () => undefined): CoapKeyFile {
    const file = join(dataDir, COAP_KEYS_FILE);
    if (!existsSync(file)) writeFileSync(file, `${JSON.stringify({ devices: {} }, null, 2)}\n`, { mode: 0o600 });
    try {
      return new CoapKeyFile(file, load(file), statSync(file).mtimeMs, onError);
    } catch (err) {
      throw new MeterstackError('CONFIG_INVALID', `${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  get size(): number {
    return this.#table.size;
  }

  keyFor(meterId: string): Promise<Uint8Array | undefined> {
    this.#reloadIfChanged();
    return this.#table.keyFor(meterId);
  }

  #reloadIfChanged(): void {
    const t = Date.now();
    if (t - this.#checkedAt < RECHECK_MS) return;
    this.#checkedAt = t;
    try {
      const mtime = statSync(this.file).mtimeMs;
      if (mtime === this.#mtimeMs) return;
      this.#table = load(this.file);
      this.#mtimeMs = mtime;
    } catch (err) {
      this.#onError(`coap: ${this.file} not reloaded, the previous keys stay in use: ${(err as Error).message}`);
    }
  }
}

function load(file: string): CoapKeyTable {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { devices?: unknown };
  if (typeof data?.devices !== 'object' || data.devices === null || Array.isArray(data.devices)) {
    throw new Error('expected { "devices": { "<meter id>": "<hex key>" } }');
  }
  return CoapKeyTable.fromHex(data.devices as Record<string, string>);
}
