import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMeterstackError } from '../../../model/errors.ts';
import { obisToBytes } from '../../../model/obis.ts';
import { decodeAll, encodeData, d, type DlmsData } from '../axdr/index.ts';
import { dataArb } from '../axdr/conformance/arbitraries.ts';
import { COSEM_CLASSES } from './classes.ts';
import {
  blockCount, encodeBlockTransfer, encodeBlocksStatus, encodeInitiate, encodeToActivateInfo, encodeTransferStatus, imageBlock,
  IMAGE_ATTR, IMAGE_METHOD, IMAGE_TRANSFER_LN, IMAGE_TRANSFER_STATUS, missingBlocks, parseBlockSize, parseBlocksStatus,
  parseBlockTransfer, parseFirmwareIdentifier, parseFirstNotTransferred, parseInitiate, parseToActivateInfo, parseTransferEnabled, parseTransferStatus,
  VERIFY_ACTIVATE_PARAM, type ImageTransferStatus,
} from './image-transfer.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const wire = (v: DlmsData): DlmsData => decodeAll(encodeData(v));

test('image transfer: object, attributes and methods agree with the class table', () => {
  assert.equal(hex(obisToBytes(IMAGE_TRANSFER_LN)), '00002c0000ff');
  const cls = COSEM_CLASSES.imageTransfer;
  for (const [name, id] of [['image_block_size', IMAGE_ATTR.blockSize], ['image_transferred_blocks_status', IMAGE_ATTR.blocksStatus],
    ['image_first_not_transferred_block_number', IMAGE_ATTR.firstNotTransferred], ['image_transfer_enabled', IMAGE_ATTR.enabled],
    ['image_transfer_status', IMAGE_ATTR.status], ['image_to_activate_info', IMAGE_ATTR.toActivateInfo]] as const) {
    assert.equal(cls.attributes.find((a) => a.name === name)?.id, id, name);
  }
  assert.deepEqual(cls.methods.map((m) => m.id), [IMAGE_METHOD.initiate, IMAGE_METHOD.blockTransfer, IMAGE_METHOD.verify, IMAGE_METHOD.activate]);
  assert.deepEqual(Object.values(IMAGE_TRANSFER_STATUS), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('image transfer: method parameters byte for byte', () => {
  // structure(2) { octet-string "FW1", double-long-unsigned 1000 }
  assert.equal(hex(encodeData(encodeInitiate({ identifier: Buffer.from('FW1'), size: 1000 }))), '0202' + '0903465731' + '06000003e8');
  // structure(2) { double-long-unsigned 7, octet-string 01 02 }
  assert.equal(hex(encodeData(encodeBlockTransfer({ blockNumber: 7, value: Uint8Array.of(1, 2) }))), '0202' + '0600000007' + '09020102');
  assert.equal(hex(encodeData(VERIFY_ACTIVATE_PARAM)), '0f00');
  // bit-string of 10 bits, blocks 0, 1 and 9 received: 1100 0000 01xx xxxx
  assert.equal(hex(encodeData(encodeBlocksStatus([true, true, false, false, false, false, false, false, false, true]))), '040ac040');
});

test('image transfer: attribute parsers', () => {
  assert.equal(parseBlockSize(d.u32(192)), 192);
  assert.equal(parseFirstNotTransferred(d.u32(5)), 5);
  assert.equal(parseTransferEnabled(d.boolean(true)), true);
  assert.equal(parseTransferStatus(d.enum(4)), 'verification-failed');
  assert.equal(parseFirmwareIdentifier(d.octets(Buffer.from('3.12.0'))), '3.12.0');
  assert.equal(parseFirmwareIdentifier(d.visible('V1.11')), 'V1.11');
  assert.throws(() => parseFirmwareIdentifier(d.u32(1)), { code: 'DLMS_COSEM_BAD_OBJECT' });
  assert.deepEqual(parseBlocksStatus(wire(d.bits('1011'))), [true, false, true, true]);
  const info = [{ size: 500, identifier: Buffer.from('X'), signature: new Uint8Array(0) }];
  assert.deepEqual(parseToActivateInfo(wire(encodeToActivateInfo(info))).map((i) => ({ ...i, identifier: Buffer.from(i.identifier) })), info.map((i) => ({ ...i, identifier: Buffer.from(i.identifier) })));
});

test('image transfer: wrong shapes and ranges are typed errors', () => {
  const code = (f: () => unknown, c: string): void => assert.throws(f, { code: c });
  code(() => parseBlockSize(d.u32(0)), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseBlockSize(d.u16(192)), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseTransferStatus(d.enum(8)), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseTransferStatus(d.u8(1)), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseInitiate(d.structure(d.octets('01'))), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseInitiate(d.structure(d.visible('FW'), d.u32(1))), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseBlockTransfer(d.structure(d.i32(1), d.octets('01'))), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseToActivateInfo(d.array(d.structure(d.u32(1), d.octets('')))), 'DLMS_COSEM_BAD_OBJECT');
  code(() => encodeInitiate({ identifier: new Uint8Array(0), size: 2 ** 32 }), 'DLMS_BAD_VALUE');
  code(() => encodeBlockTransfer({ blockNumber: -1, value: new Uint8Array(0) }), 'DLMS_BAD_VALUE');
  code(() => blockCount(10, 0), 'DLMS_BAD_VALUE');
  code(() => imageBlock(new Uint8Array(10), 2, 5), 'DLMS_BAD_VALUE');
});

test('image transfer: blocks are block-size slices, the last one not padded', () => {
  const image = Uint8Array.from({ length: 450 }, (_, i) => i & 0xff);
  assert.equal(blockCount(450, 192), 3);
  assert.equal(blockCount(384, 192), 2);
  assert.equal(blockCount(0, 192), 0);
  assert.equal(imageBlock(image, 0, 192).length, 192);
  assert.equal(imageBlock(image, 2, 192).length, 66);
  assert.equal(imageBlock(image, 2, 192)[0], 384 & 0xff);
  assert.deepEqual(missingBlocks([true, false, true], 5), [1, 3, 4]);
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = fc.uint8Array({ maxLength: 300 });
const statusArb = fc.constantFrom(...(Object.keys(IMAGE_TRANSFER_STATUS) as ImageTransferStatus[]));

test('property: parameters and attributes survive the wire', () => {
  fc.assert(fc.property(bytes, u32, (identifier, size) => {
    assert.deepEqual(parseInitiate(wire(encodeInitiate({ identifier, size }))), { identifier, size });
  }), { numRuns: 300 });
  fc.assert(fc.property(u32, bytes, (blockNumber, value) => {
    assert.deepEqual(parseBlockTransfer(wire(encodeBlockTransfer({ blockNumber, value }))), { blockNumber, value });
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 2000 }), (bits) => {
    assert.deepEqual(parseBlocksStatus(wire(encodeBlocksStatus(bits))), bits);
  }), { numRuns: 200 });
  fc.assert(fc.property(statusArb, (s) => assert.equal(parseTransferStatus(wire(encodeTransferStatus(s))), s)), { numRuns: 50 });
  fc.assert(fc.property(fc.array(fc.record({ size: u32, identifier: bytes, signature: bytes }).map((r) => ({ ...r })), { maxLength: 4 }), (info) => {
    assert.deepEqual(parseToActivateInfo(wire(encodeToActivateInfo(info))), info);
  }), { numRuns: 200 });
});

test('property: the blocks of an image concatenate to the image, and missing ∪ received covers every block', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 300 }), fc.array(fc.boolean(), { maxLength: 20 }), (image, bs, bits) => {
    const n = blockCount(image.length, bs);
    const parts = Array.from({ length: n }, (_, i) => imageBlock(image, i, bs));
    assert.deepEqual(Uint8Array.from(Buffer.concat(parts)), image);
    assert.ok(parts.slice(0, -1).every((p) => p.length === bs));
    const missing = missingBlocks(bits, n);
    for (let i = 0; i < n; i++) assert.equal(missing.includes(i), bits[i] !== true);
  }), { numRuns: 300 });
});

test('property: any A-XDR value given to a parser is parsed or refused with a typed error, never a crash', () => {
  const parsers: ((v: DlmsData) => unknown)[] = [
    parseInitiate, parseBlockTransfer, parseBlockSize, parseFirmwareIdentifier, parseBlocksStatus, parseFirstNotTransferred, parseTransferEnabled, parseTransferStatus, parseToActivateInfo,
  ];
  fc.assert(fc.property(dataArb, (v) => {
    for (const p of parsers) {
      try {
        p(v);
      } catch (err) {
        assert.ok(isMeterstackError(err) && err.code === 'DLMS_COSEM_BAD_OBJECT', String(err));
      }
    }
  }), { numRuns: 1000 });
});
