/**
 * One side's ciphering of xDLMS APDUs under a security policy (suite 0, DOMAIN §2.6): `wrap` seals
 * a plain APDU with this side's system title and the next send counter of its EK; `unwrap` opens
 * a peer's ciphered APDU, requires the policy's protection, and only after the tag has verified
 * runs the replay guard on (peer system title, invocation counter) — a forged frame cannot move
 * the counter. With policy `none` both are the identity and ciphered input is refused.
 */
import { DlmsError } from '../errors.ts';
import { controlFor, open, seal, type ReplayGuard, type SendCounters } from '../security/index.ts';
import type { AssociationKeys, SecurityPolicy } from './types.ts';

export interface SecureChannelOptions {
  readonly policy: SecurityPolicy;
  readonly ownSystemTitle: Uint8Array;
  readonly keys?: AssociationKeys | undefined;
  readonly sendCounters?: SendCounters | undefined;
  readonly replayGuard?: ReplayGuard | undefined;
  /** Use general-glo-ciphering (0xDB, carries the system title) instead of service-specific glo tags. */
  readonly general?: boolean | undefined;
}

/** Tags of ciphered APDUs (glo-xxx and general-glo-ciphering). */
const CIPHERED_TAGS = new Set([0x21, 0x28, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xcf, 0xdb]);

export function isCipheredTag(tag: number | undefined): boolean {
  return tag !== undefined && CIPHERED_TAGS.has(tag);
}

export class SecureChannel {
  readonly #o: SecureChannelOptions;

  constructor(o: SecureChannelOptions) {
    if ((o.policy !== 'none' || o.keys !== undefined) && (o.keys === undefined || o.sendCounters === undefined)) {
      throw new DlmsError('DLMS_SECURITY_BAD_KEY', 'keys need send counters, and a ciphering policy needs keys');
    }
    if (o.policy !== 'none' && o.replayGuard === undefined) {
      throw new DlmsError('DLMS_SECURITY_BAD_KEY', `security policy ${o.policy} needs a replay guard`);
    }
    this.#o = o;
  }

  get ciphered(): boolean {
    return this.#o.policy !== 'none';
  }

  /** The next invocation counter of this side's EK (for HLS-GMAC f() and for sealing). */
  nextCounter(): number {
    const { keys, sendCounters } = this.#o;
    if (keys === undefined || sendCounters === undefined) throw new DlmsError('DLMS_SECURITY_BAD_KEY', 'no keys configured for this association');
    return sendCounters.next(keys.ek.id);
  }

  get keys(): AssociationKeys {
    if (this.#o.keys === undefined) throw new DlmsError('DLMS_SECURITY_BAD_KEY', 'no keys configured for this association');
    return this.#o.keys;
  }

  wrap(plain: Uint8Array): Uint8Array {
    if (this.#o.policy === 'none') return plain;
    const { ek, ak } = this.keys;
    return seal({
      sc: controlFor(this.#o.policy), systemTitle: this.#o.ownSystemTitle, invocationCounter: this.nextCounter(),
      ek, ak, apdu: plain, general: this.#o.general === true,
    });
  }

  /** Opens a peer APDU; plain input passes only under policy `none`, ciphered input only under a ciphering policy. */
  unwrap(bytes: Uint8Array, peerSystemTitle: Uint8Array | undefined): Uint8Array {
    const ciphered = isCipheredTag(bytes[0]);
    if (this.#o.policy === 'none') {
      if (ciphered) throw new DlmsError('DLMS_SECURITY_UNSUPPORTED', 'a ciphered APDU arrived on an association without security policy', { offset: 0 });
      return bytes;
    }
    if (!ciphered) {
      throw new DlmsError('DLMS_SECURITY_UNSUPPORTED', `security policy ${this.#o.policy} refuses the plain APDU 0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')}`, { offset: 0 });
    }
    const { ek, ak } = this.keys;
    const opened = open(bytes, { ...(peerSystemTitle === undefined ? {} : { systemTitle: peerSystemTitle }), ek, ak, requireMode: this.#o.policy });
    this.#o.replayGuard!.check(opened.systemTitle, opened.invocationCounter);
    return opened.plaintext;
  }
}
