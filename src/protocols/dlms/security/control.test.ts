import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode } from '../../../model/errors.ts';
import { controlFor, formatControl, parseControl, requireSuite0 } from './control.ts';

test('0x30 is suite 0, authenticated and encrypted, unicast, uncompressed', () => {
  assert.deepEqual(parseControl(0x30), { suite: 0, authenticated: true, encrypted: true, broadcastKey: false, compressed: false });
  assert.equal(requireSuite0(0x30).mode, 'authenticated-encrypted');
  assert.equal(requireSuite0(0x10).mode, 'authenticated');
  assert.equal(requireSuite0(0x20).mode, 'encrypted');
  assert.equal(requireSuite0(0x70).broadcastKey, true);
});

test('0x11 (GBCS suite 1) parses but is not supported', () => {
  const sc = parseControl(0x11);
  assert.equal(sc.suite, 1);
  assert.equal(sc.authenticated, true);
  assert.throws(() => requireSuite0(0x11, 3), (e) => hasCode(e, 'DLMS_SECURITY_UNSUPPORTED') && e.offset === 3);
});

test('compression and "no protection" are rejected with typed errors', () => {
  assert.throws(() => requireSuite0(0xb0), (e) => hasCode(e, 'DLMS_SECURITY_UNSUPPORTED'));
  assert.throws(() => requireSuite0(0x00), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
  assert.throws(() => requireSuite0(0x40), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
  assert.throws(() => parseControl(256), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
  assert.throws(() => parseControl(-1), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
  assert.throws(() => formatControl({ suite: 16, authenticated: false, encrypted: false, broadcastKey: false, compressed: false }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
});

test('controlFor gives the DOMAIN §2.6 bytes', () => {
  assert.equal(controlFor('authenticated'), 0x10);
  assert.equal(controlFor('encrypted'), 0x20);
  assert.equal(controlFor('authenticated-encrypted'), 0x30);
  assert.equal(controlFor('authenticated-encrypted', true), 0x70);
});

test('parse/format round-trips every byte', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), (b) => formatControl(parseControl(b)) === b));
});
