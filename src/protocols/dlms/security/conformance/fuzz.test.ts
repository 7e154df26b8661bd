import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDlmsError } from '../../errors.ts';
import { protect, unprotect } from '../gcm.ts';
import { decodeCiphered, encodeCiphered, open } from '../ciphered-apdu.ts';
import { verifyHlsGmacResponse } from '../hls-gmac.ts';
import { decodeLength } from '../ber-length.ts';
import { parseControl, requireSuite0 } from '../control.ts';

const bytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const params = fc.record({
  sc: fc.constantFrom(0x10, 0x20, 0x30),
  systemTitle: bytes(8),
  invocationCounter: fc.integer({ min: 0, max: 0xffffffff }),
  ek: bytes(16),
  ak: bytes(16),
  plaintext: fc.uint8Array({ maxLength: 200 }),
});

test('protect → unprotect round-trips in all three modes', () => {
  fc.assert(fc.property(params, (p) => {
    const body = protect(p);
    const back = unprotect({ systemTitle: p.systemTitle, ek: p.ek, ak: p.ak, body });
    assert.deepEqual(back.plaintext, p.plaintext);
    assert.equal(back.invocationCounter, p.invocationCounter);
    assert.equal(back.sc, p.sc);
  }), { numRuns: 300 });
});

test('glo / general-glo encode → decode → encode is the identity', () => {
  fc.assert(fc.property(params, fc.boolean(), (p, general) => {
    const content = protect(p);
    const apdu = general ? { kind: 'general-glo-ciphering' as const, systemTitle: p.systemTitle, content } : { kind: 'glo-get-request' as const, content };
    const enc = encodeCiphered(apdu);
    assert.deepEqual(decodeCiphered(enc), apdu);
    if (general) assert.deepEqual(open(enc, { ek: p.ek, ak: p.ak }).plaintext, p.plaintext);
  }), { numRuns: 200 });
});

test('with authentication and the policy mode enforced, any single-bit flip in SC, IC, ciphertext or tag is rejected', () => {
  // Without requireMode a flip 0x30 → 0x20 would downgrade to encryption-only, which has no tag:
  // the caller's security policy (requireMode) is what rejects that.
  const authParams = params.filter((p) => p.sc !== 0x20);
  fc.assert(fc.property(authParams, fc.nat(), fc.integer({ min: 0, max: 7 }), (p, pos, bit) => {
    const body = protect(p);
    const flipped = Uint8Array.from(body);
    flipped[pos % body.length]! ^= 1 << bit;
    const requireMode = p.sc === 0x30 ? 'authenticated-encrypted' as const : 'authenticated' as const;
    assert.throws(() => unprotect({ systemTitle: p.systemTitle, ek: p.ek, ak: p.ak, body: flipped, requireMode }), (e) => isDlmsError(e)
      && ['DLMS_SECURITY_BAD_TAG', 'DLMS_SECURITY_UNSUPPORTED', 'DLMS_SECURITY_BAD_CONTROL'].includes(e.code));
  }), { numRuns: 500 });
});

test('with authentication, a flip anywhere is caught even when the policy would accept the new SC', () => {
  fc.assert(fc.property(params.filter((p) => p.sc !== 0x20), (p) => {
    const body = protect(p);
    const otherSc = Uint8Array.from(body);
    otherSc[0] = p.sc === 0x30 ? 0x70 : 0x50; // same mode, broadcast key-set bit set
    assert.throws(() => unprotect({ systemTitle: p.systemTitle, ek: p.ek, ak: p.ak, body: otherSc }), (e) => isDlmsError(e) && e.code === 'DLMS_SECURITY_BAD_TAG');
  }), { numRuns: 100 });
});

function onlyTyped(fn: () => unknown): void {
  try { fn(); } catch (e) {
    assert.ok(isDlmsError(e), `untyped error: ${String(e)}`);
  }
}

test('random bytes into every decoder never throw anything but a DlmsError', () => {
  const ek = new Uint8Array(16);
  const st = new Uint8Array(8);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 300 }), (input, offset) => {
    onlyTyped(() => decodeCiphered(input));
    onlyTyped(() => open(input, { systemTitle: st, ek, ak: ek }));
    onlyTyped(() => unprotect({ systemTitle: st, ek, ak: ek, body: input }));
    onlyTyped(() => verifyHlsGmacResponse({ systemTitle: st, ek, ak: ek, challenge: input, response: input }));
    onlyTyped(() => decodeLength(input, offset));
    onlyTyped(() => requireSuite0(input[0] ?? 0));
    onlyTyped(() => parseControl(input[0] ?? 256));
  }), { numRuns: 2000 });
});

test('random bytes behind valid ciphering tags never throw anything but a DlmsError', () => {
  const ek = new Uint8Array(16);
  fc.assert(fc.property(fc.constantFrom(0x21, 0x28, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xcf, 0xdb), fc.uint8Array({ maxLength: 120 }), (tag, rest) => {
    const input = Uint8Array.from([tag, ...rest]);
    onlyTyped(() => decodeCiphered(input));
    onlyTyped(() => open(input, { systemTitle: new Uint8Array(8), ek, ak: ek }));
  }), { numRuns: 2000 });
});
