import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { isMeterstackError } from '../model/errors.ts';
import { buildSimImage, parseSimImage, simFirmwareImage, SIM_IMAGE_DEFAULT_SIZE } from './firmware-image.ts';

const info = { vendor: 'Kaifa', model: 'MA105H2E', version: 'V1.12' };

test('sim image: header, deterministic filler, SHA-256 trailer', () => {
  const img = buildSimImage(info);
  assert.equal(img.length, SIM_IMAGE_DEFAULT_SIZE);
  assert.equal(Buffer.from(img.subarray(0, 5)).toString('hex'), '4d53465701'); // "MSFW" + format 1
  assert.equal(img[5], 5); // "Kaifa"
  assert.deepEqual(buildSimImage(info), img, 'same arguments, same bytes');
  assert.deepEqual(createHash('sha256').update(img.subarray(0, img.length - 32)).digest(), Buffer.from(img.subarray(img.length - 32)));
  const parsed = parseSimImage(img);
  assert.deepEqual({ vendor: parsed.vendor, model: parsed.model, version: parsed.version, size: parsed.size }, { ...info, size: img.length });
  assert.equal(parsed.sha256, createHash('sha256').update(img).digest('hex'));
  const fw = simFirmwareImage({ ...info, size: 1000 });
  assert.deepEqual({ version: fw.version, identifier: fw.identifier, length: fw.bytes.length }, { version: 'V1.12', identifier: 'MSFW MA105H2E V1.12', length: 1000 });
  assert.equal(fw.sha256, createHash('sha256').update(fw.bytes).digest('hex'));
  assert.throws(() => buildSimImage({ ...info, size: 10 }), { code: 'SIM_IMAGE_INVALID' });
  assert.throws(() => buildSimImage({ ...info, vendor: '' }), { code: 'SIM_IMAGE_INVALID' });
});

test('property: build → parse round trip', () => {
  const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255);
  fc.assert(fc.property(text, text, text, fc.integer({ min: 0, max: 3000 }), (vendor, model, version, extra) => {
    const head = 8 + Buffer.byteLength(vendor) + Buffer.byteLength(model) + Buffer.byteLength(version);
    const p = parseSimImage(buildSimImage({ vendor, model, version, size: head + 32 + extra }));
    assert.deepEqual([p.vendor, p.model, p.version, p.size], [vendor, model, version, head + 32 + extra]);
  }), { numRuns: 200 });
});

test('property: any changed octet, and any random input, is SIM_IMAGE_INVALID, never a crash', () => {
  const img = buildSimImage({ ...info, size: 600 });
  fc.assert(fc.property(fc.nat({ max: img.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
    const bad = Uint8Array.from(img);
    bad[at]! ^= x;
    assert.throws(() => parseSimImage(bad), { code: 'SIM_IMAGE_INVALID' });
  }), { numRuns: 500 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
    try {
      parseSimImage(bytes);
    } catch (err) {
      assert.ok(isMeterstackError(err) && err.code === 'SIM_IMAGE_INVALID', String(err));
    }
  }), { numRuns: 500 });
});
