import { randomBytes, randomUUID } from 'node:crypto';
import { DlmsError } from '../errors.ts';
import { checkSystemTitle, hex, protect, unprotect, type ProtectParams, type Unprotected, type UnprotectParams } from './gcm.ts';
import { SecretKey } from './secret-key.ts';

export type KeyId = string;

/** Find a meter's keys by its meter id or by the system title it sent. */
export type KeyRef = { readonly meterId: string } | { readonly systemTitle: Uint8Array };

/** Which keys a meter uses, by id only: a token keystore cannot hand out the bytes. */
export interface MeterKeys {
  readonly meterId: string;
  /** 16 upper-case hex digits. */
  readonly systemTitle: string;
  /** Global unicast encryption key (EK). */
  readonly ek: KeyId;
  /** Authentication key (AK). */
  readonly ak: KeyId;
  /** Master key / KEK, for key transfer. */
  readonly kek?: KeyId;
}

export interface KeyPair {
  readonly ek: KeyId;
  readonly ak: KeyId;
}

/**
 * The keystore port. Cipher work can be done by key id (`protect`/`unprotect`), so a PKCS#11
 * keystore can keep keys inside the token; `exportKey` hands out a SecretKey where the backend
 * allows it (the software keystore does).
 */
export interface KeyStore {
  keysFor(ref: KeyRef): Promise<MeterKeys>;
  exportKey(id: KeyId): Promise<SecretKey>;
  /** Generates a fresh random AES-128 key and returns its id. */
  newKey(): Promise<KeyId>;
  protect(keys: KeyPair, params: Omit<ProtectParams, 'ek' | 'ak'>): Promise<Uint8Array>;
  unprotect(keys: KeyPair, params: Omit<UnprotectParams, 'ek' | 'ak'>): Promise<Unprotected>;
}

/** The JSON a software keystore is loaded from: hex keys by id, and the meters that use them. */
export interface SoftwareKeyStoreData {
  readonly keys: Readonly<Record<KeyId, string>>;
  readonly meters: readonly MeterKeys[];
}

const REDACTED = '[redacted]';

/** In-memory keystore for development, tests and small installations. */
export class SoftwareKeyStore implements KeyStore {
  readonly #keys = new Map<KeyId, SecretKey>();
  readonly #byMeter = new Map<string, MeterKeys>();
  readonly #byTitle = new Map<string, MeterKeys>();

  static fromJSON(data: SoftwareKeyStoreData): SoftwareKeyStore {
    if (typeof data !== 'object' || data === null || typeof data.keys !== 'object' || data.keys === null || !Array.isArray(data.meters)) {
      throw new DlmsError('DLMS_SECURITY_BAD_KEY', 'keystore data needs { keys: {id: hex}, meters: [...] }');
    }
    const store = new SoftwareKeyStore();
    for (const [id, value] of Object.entries(data.keys)) store.#keys.set(id, SecretKey.fromHex(value, id));
    for (const m of data.meters) store.setMeterKeys(m);
    return store;
  }

  /** Binds (or re-binds, after a key change) a meter to key ids that this store holds. */
  setMeterKeys(m: MeterKeys): void {
    if (typeof m?.meterId !== 'string' || typeof m.systemTitle !== 'string' || !/^[0-9a-fA-F]{16}$/.test(m.systemTitle)) {
      throw new DlmsError('DLMS_SECURITY_BAD_SYSTEM_TITLE', `meter ${String(m?.meterId)}: system title must be 16 hex digits`);
    }
    for (const id of [m.ek, m.ak, ...(m.kek === undefined ? [] : [m.kek])]) this.#key(id);
    const entry: MeterKeys = { ...m, systemTitle: m.systemTitle.toUpperCase() };
    const previous = this.#byMeter.get(m.meterId);
    if (previous !== undefined) this.#byTitle.delete(previous.systemTitle);
    this.#byMeter.set(entry.meterId, entry);
    this.#byTitle.set(entry.systemTitle, entry);
  }

  async keysFor(ref: KeyRef): Promise<MeterKeys> {
    if ('meterId' in ref) {
      const m = this.#byMeter.get(ref.meterId);
      if (m === undefined) throw new DlmsError('DLMS_SECURITY_UNKNOWN_KEY', `no keys for meter ${ref.meterId}`);
      return m;
    }
    checkSystemTitle(ref.systemTitle);
    const title = hex(ref.systemTitle);
    const m = this.#byTitle.get(title);
    if (m === undefined) throw new DlmsError('DLMS_SECURITY_UNKNOWN_KEY', `no keys for system title ${title}`);
    return m;
  }

  async exportKey(id: KeyId): Promise<SecretKey> {
    return this.#key(id);
  }

  async newKey(): Promise<KeyId> {
    const id = `key-${randomUUID()}`;
    this.#keys.set(id, new SecretKey(Uint8Array.from(randomBytes(16)), id));
    return id;
  }

  async protect(keys: KeyPair, params: Omit<ProtectParams, 'ek' | 'ak'>): Promise<Uint8Array> {
    return protect({ ...params, ek: this.#key(keys.ek), ak: this.#key(keys.ak) });
  }

  async unprotect(keys: KeyPair, params: Omit<UnprotectParams, 'ek' | 'ak'>): Promise<Unprotected> {
    return unprotect({ ...params, ek: this.#key(keys.ek), ak: this.#key(keys.ak) });
  }

  /** The key material for writing the keystore file back; the only way bytes leave this object in bulk. */
  exportForStorage(): SoftwareKeyStoreData {
    const keys: Record<KeyId, string> = {};
    for (const [id, key] of this.#keys) keys[id] = hex(key.bytes());
    return { keys, meters: [...this.#byMeter.values()] };
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SoftwareKeyStore(${this.#keys.size} keys, ${this.#byMeter.size} meters) ${REDACTED}`;
  }

  #key(id: KeyId): SecretKey {
    const key = this.#keys.get(id);
    if (key === undefined) throw new DlmsError('DLMS_SECURITY_UNKNOWN_KEY', `no key with id ${String(id)}`, { details: { keyId: id } });
    return key;
  }
}
