/**
 * Conformance against the dlms-cosem test corpus (pwitab/dlms-cosem, MIT commit), read from
 * ../shared/corpus at test time. Every case of the listed files is either checked — decode, variant
 * matching the upstream class, byte-exact re-encode, and the upstream asserts translated — or named
 * in EXCLUDED with the reason; a test fails if EXCLUDED or CHECKS names a case that does not exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAll, encodeData } from '../../axdr/index.ts';
import { isDlmsError } from '../../errors.ts';
import { open, seal } from '../../security/index.ts';
import { captureObjectToData, conformance, dataOf, decodeApdu, encodeApdu, type Apdu, type ApduOf, type ApduType } from '../index.ts';
import { ApduReader } from '../cursor.ts';
import { readSelection } from '../selective-access.ts';
import { h, hex, mainVector, named, readCases, shortId, upstreamClass, type UpstreamCase } from './corpus.ts';
import { isVariant, variantOf } from './variant.ts';

const FILES = {
  aarq: 'dlms-cosem__test_asce__test_aarq',
  aare: 'dlms-cosem__test_asce__test_aare',
  rlrq: 'dlms-cosem__test_asce__test_rlrq',
  rlre: 'dlms-cosem__test_asce__test_rlre',
  get: 'dlms-cosem__test_xdlms__test_get',
  set: 'dlms-cosem__test_xdlms__test_set',
  action: 'dlms-cosem__test_xdlms__test_action',
  notification: 'dlms-cosem__test_xdlms__test_data_notification',
  initiate: 'dlms-cosem__test_xdlms__test_initiate',
  selective: 'dlms-cosem__test_xdlms__test_selective_access',
  parsers: 'dlms-cosem__test_parsers',
  cosem: 'dlms-cosem__test_cosem',
  connection: 'dlms-cosem__test_dlms_connection',
} as const;
type FileKey = keyof typeof FILES;

/** The variant each upstream class decodes to (ACSE files: every class is about that one APDU). */
const CLASS_VARIANT: Partial<Record<FileKey, Record<string, string>>> = {
  aarq: { '*': 'aarq' },
  aare: { '*': 'aare' },
  rlrq: { '*': 'rlrq' },
  rlre: { '*': 'rlre' },
  notification: { '*': 'data-notification' },
  initiate: { TestInitiateRequest: 'initiate-request', TestInitiateResponse: 'initiate-response', TestGlobalCipherInitiateRequest: 'ciphered glo-initiate-request' },
  get: {
    TestGetRequestNormal: 'get-request normal',
    TestGetRequestNext: 'get-request next',
    TestGetRequestFactory: 'get-request',
    TestGetResponseNormal: 'get-response normal data',
    TestGetRequestNormalWithError: 'get-response normal error',
    TestGetResponseWithBlock: 'get-response with-datablock more data',
    TestGetResponseLastBlock: 'get-response with-datablock last data',
    TestGetResponseLastBlockWithError: 'get-response with-datablock last error',
    TestGetResponseFactory: 'get-response',
  },
  set: { TestSetRequestNormal: 'set-request normal', TestSetRequestFactory: 'set-request', TestSetResponseNormal: 'set-response normal', TestSetResponseFactory: 'set-response' },
  action: {
    TestActionRequestNormal: 'action-request normal',
    TestActionRequestFactory: 'action-request',
    TestActionResponseNormal: 'action-response normal none',
    TestActionResponseNormalWithData: 'action-response normal data',
    TestActionResponseWithError: 'action-response normal error',
    TestActionResponseFactory: 'action-response',
  },
};

/** Cases not run as APDU vectors, with the reason (each must exist in the corpus). */
export const EXCLUDED: Record<string, string> = {
  'parsers:test_parse_buffer': 'not an APDU: a profile-generic buffer (A-XDR array) parsed against capture objects — axdr/walk and cosem/ cover it',
  'cosem:TestObis::test_obis_from_bytes': 'not an APDU: a bare 6-octet OBIS code (cosem/ and model/obis cover it)',
  'cosem:TestObis::test_obis_to_bytes': 'not an APDU: a bare 6-octet OBIS code (cosem/ and model/obis cover it)',
  'connection:test_hls_fails': 'not an APDU vector: a connection state-machine test whose only hex is a meter system title; the APDUs are built at run time',
};

const ln = (s: string): Uint8Array => h(s);
const C1 = { invokeId: 1, confirmed: true, highPriority: true };
const C0 = { invokeId: 0, confirmed: true, highPriority: true };
const PROPOSED = conformance(
  'priority-mgmt-supported', 'attribute0-supported-with-get', 'block-transfer-with-get-or-read', 'block-transfer-with-set-or-write',
  'block-transfer-with-action', 'multiple-references', 'get', 'set', 'selective-access', 'event-notification', 'action',
);
const NEGOTIATED = conformance('priority-mgmt-supported', 'block-transfer-with-get-or-read', 'get', 'set', 'selective-access', 'event-notification', 'action');
const initiateRequest = (dedicatedKey: Uint8Array | null, max = 1200, conf = PROPOSED): ApduOf<'initiate-request'> => ({
  type: 'initiate-request', dedicatedKey, responseAllowed: true, proposedQualityOfService: null, dlmsVersion: 6, conformance: conf, clientMaxReceivePduSize: max,
});
const initiateResponse: ApduOf<'initiate-response'> = {
  type: 'initiate-response', negotiatedQualityOfService: null, dlmsVersion: 6, conformance: NEGOTIATED, serverMaxReceivePduSize: 500, vaaName: 7,
};
const KEY = h('00112233445566778899AABBCCDDEEFF');
const EK = h('000102030405060708090A0B0C0D0E0F');
const AK = h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const TITLE = h('4D4D4D0000BC614E');

function as<T extends ApduType>(a: Apdu, type: T): ApduOf<T> {
  assert.equal(a.type, type);
  return a as ApduOf<T>;
}
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const aarqPlain = (a: Apdu, mechanism: string | null, value: string | null): void => {
  const q = as(a, 'aarq');
  assert.equal(q.applicationContext, 'ln', 'not ciphered');
  assert.equal(q.mechanism, mechanism);
  assert.deepEqual(q.callingAuthenticationValue, value === null ? null : ascii(value));
  assert.equal(q.userInformation?.type, 'initiate-request');
};
const aareCheck = (a: Apdu, result: string, source: number, info: string): ApduOf<'aare'> => {
  const r = as(a, 'aare');
  assert.equal(r.applicationContext, 'ln', 'not ciphered');
  assert.equal(r.result, result);
  assert.deepEqual(r.diagnostic, { source: 'acse-service-user', value: source });
  assert.equal(r.userInformation?.type, info);
  return r;
};

/** The upstream asserts and decoded objects, translated; keyed "<file>:<Class::test>". */
const CHECKS: Record<string, (a: Apdu, c: UpstreamCase) => void> = {
  'aarq:TestParseAARQ::test_parse_no_ciphering_no_sercurity': (a) => aarqPlain(a, null, null),
  'aarq:TestParseAARQ::test_parse_no_ciphering_low_security': (a) => aarqPlain(a, 'lls', '12345678'),
  'aarq:TestParseAARQ::test_parse_no_ciphering_high_security': (a) => aarqPlain(a, 'hls-gmac', 'K56iVagY'),
  'aarq:TestParseAARQ::test_parse_ciphered_low_security': (a) => {
    const q = as(a, 'aarq');
    assert.equal(q.applicationContext, 'ln-ciphered');
    assert.equal(q.mechanism, 'lls');
    assert.ok(q.callingApTitle !== null && q.callingAuthenticationValue !== null);
  },
  'aarq:TestParseAARQ::test_parse_ciphered_low_security2': (a, c) => {
    const q = as(a, 'aarq');
    assert.equal(q.applicationContext, 'ln-ciphered');
    assert.equal(q.mechanism, 'lls');
    assert.deepEqual(q.callingApTitle, named(c, '<inline in assert>', 0));
    assert.deepEqual(q.callingAuthenticationValue, ascii('12345678'));
    assert.equal(q.userInformation?.type, 'ciphered');
  },
  'aarq:TestParseAARQ::test_hls': (a) => aarqPlain(a, 'hls', '12345678'),
  'aarq:TestEncodeAARE::test_decode': (a) => {
    const conf = conformance('block-transfer-with-get-or-read', 'block-transfer-with-set-or-write', 'block-transfer-with-action', 'multiple-references', 'get', 'set', 'selective-access', 'action');
    assert.deepEqual(a, { type: 'aarq', applicationContext: 'ln', callingApTitle: null, mechanism: null, callingAuthenticationValue: null, userInformation: initiateRequest(null, 65535, conf), other: [] });
  },
  'aarq:TestEncodeAARE::test_parse_no_ciphering_no_sercurity': (a) => {
    assert.deepEqual(a, { type: 'aarq', applicationContext: 'ln', callingApTitle: null, mechanism: null, callingAuthenticationValue: null, userInformation: initiateRequest(null), other: [] });
  },
  'aarq:TestEncodeAARE::test_encode_no_ciphering_high_security': (a) => {
    assert.deepEqual(a, { type: 'aarq', applicationContext: 'ln', callingApTitle: null, mechanism: 'hls-gmac', callingAuthenticationValue: ascii('K56iVagY'), userInformation: initiateRequest(null), other: [] });
  },
  'aarq:TestEncodeAARE::test_encode_no_ciphering_low_security': (a) => {
    assert.deepEqual(a, { type: 'aarq', applicationContext: 'ln', callingApTitle: null, mechanism: 'lls', callingAuthenticationValue: ascii('12345678'), userInformation: initiateRequest(null), other: [] });
  },
  'aare:TestDecodeAARE::test_no_ciphering_no_security_ok_association': (a) => void aareCheck(a, 'accepted', 0, 'initiate-response'),
  'aare:TestDecodeAARE::test_no_ciphering_no_security_app_context_name_wrong': (a) => void aareCheck(a, 'rejected-permanent', 2, 'initiate-response'),
  'aare:TestDecodeAARE::test_no_cipher_no_security_incorrect_dlms_version': (a) => {
    const r = aareCheck(a, 'rejected-permanent', 1, 'confirmed-service-error');
    assert.deepEqual(r.userInformation, { type: 'confirmed-service-error', service: 'initiate', family: 'initiate', code: 1 });
  },
  'aare:TestDecodeAARE::test_no_ciher_hls_ok': (a) => {
    const r = aareCheck(a, 'accepted', 14, 'initiate-response');
    assert.equal(r.mechanism, 'hls-gmac');
    assert.deepEqual(r.respondingAuthenticationValue, ascii('P6wRJ21F'));
  },
  'aare:TestDecodeAARE::test_no_cipher_no_auth_conformance': (a) => {
    const r = aareCheck(a, 'accepted', 0, 'initiate-response');
    assert.equal(r.mechanism, null);
    assert.equal(r.respondingApTitle, null);
    assert.equal(r.respondingAuthenticationValue, null);
    const conf = conformance('block-transfer-with-get-or-read', 'block-transfer-with-set-or-write', 'block-transfer-with-action', 'multiple-references', 'get', 'set', 'selective-access', 'action');
    assert.deepEqual(as(r.userInformation!, 'initiate-response').conformance, conf);
  },
  'aare:TestEncodeAARE::test_no_ciphering_no_security_ok_association': (a) => {
    assert.deepEqual(a, { type: 'aare', applicationContext: 'ln', result: 'accepted', diagnostic: { source: 'acse-service-user', value: 0 }, respondingApTitle: null, mechanism: null, respondingAuthenticationValue: null, userInformation: initiateResponse, other: [] });
  },
  'aare:TestEncodeAARE::test_no_ciphering_no_security_app_context_name_wrong': (a) => void aareCheck(a, 'rejected-permanent', 2, 'initiate-response'),
  'aare:TestEncodeAARE::test_no_cipher_no_security_incorrect_dlms_version': (a) => void aareCheck(a, 'rejected-permanent', 1, 'confirmed-service-error'),
  'aare:TestEncodeAARE::test_no_ciher_hls_ok': (a) => {
    assert.deepEqual(a, { type: 'aare', applicationContext: 'ln', result: 'accepted', diagnostic: { source: 'acse-service-user', value: 14 }, respondingApTitle: null, mechanism: 'hls-gmac', respondingAuthenticationValue: ascii('P6wRJ21F'), userInformation: initiateResponse, other: [] });
  },
  'rlrq:TestDecodeRLRQ::test_simple': (a) => assert.deepEqual(a, { type: 'rlrq', reason: 'normal', userInformation: null }),
  'rlrq:TestDecodeRLRQ::test_with_ciphered_initiate_request': (a) => {
    const r = as(a, 'rlrq');
    assert.equal(r.reason, 'normal');
    assert.equal(r.userInformation?.type, 'ciphered');
  },
  'rlre:TestDecodeRLRE::test_simple': (a) => assert.deepEqual(a, { type: 'rlre', reason: 'normal', userInformation: null }),
  'rlre:TestDecodeRLRE::test_with_initiate_response': (a) => {
    const r = as(a, 'rlre');
    assert.equal(r.reason, 'normal');
    assert.equal(r.userInformation?.type, 'initiate-response');
  },
  'rlre:TestDecodeRLRE::test_with_ciphered_initiate_response': (a) => {
    const r = as(a, 'rlre');
    assert.equal(r.reason, 'normal');
    assert.equal(r.userInformation?.type === 'ciphered' ? r.userInformation.kind : undefined, 'glo-initiate-response');
  },
  'initiate:TestInitiateRequest::test_parse_simple': (a) => assert.deepEqual(a, initiateRequest(null)),
  'initiate:TestInitiateRequest::test_encode_simple': (a) => assert.deepEqual(a, initiateRequest(null)),
  'initiate:TestInitiateRequest::test_decode_with_dedicated_key': (a) => assert.deepEqual(a, initiateRequest(KEY)),
  'initiate:TestInitiateRequest::test_encode_with_dedicated_key': (a) => assert.deepEqual(a, initiateRequest(KEY)),
  'initiate:TestInitiateResponse::test_parse_simple': (a) => assert.deepEqual(a, initiateResponse),
  'initiate:TestInitiateResponse::test_encode_simple': (a) => assert.deepEqual(a, initiateResponse),
  'initiate:TestInitiateResponse::test_decode_with_non_default_quality': (a) => assert.equal(as(a, 'initiate-response').negotiatedQualityOfService, 0),
  'initiate:TestGlobalCipherInitiateRequest::test_to_bytes': (a) => {
    const c = as(a, 'ciphered');
    assert.equal(c.kind, 'glo-initiate-request');
    assert.equal(hex(c.content.subarray(0, 5)), '3001234567', 'SC 0x30 (auth+enc, suite 0), IC 19088743');
  },
  'get:TestGetRequestNormal::test_transform_bytes': (a) => {
    assert.deepEqual(a, { type: 'get-request', kind: 'normal', invoke: C1, attribute: { classId: 1, logicalName: ln('00002B0100FF'), attributeId: 2 }, access: null });
  },
  'get:TestGetRequestNext::test_transform_bytes': (a) => assert.deepEqual(a, { type: 'get-request', kind: 'next', invoke: C1, blockNumber: 1 }),
  'get:TestGetRequestNext::test_correct_block_number_is_encoded': (a) => assert.deepEqual(a, { type: 'get-request', kind: 'next', invoke: C1, blockNumber: 3 }),
  'get:TestGetResponseNormal::test_from_bytes': (a) => {
    const r = as(a, 'get-response');
    assert.ok(r.kind === 'normal' && 'data' in r.result);
    assert.equal(hex(r.result.data), '0600001391');
    assert.deepEqual(dataOf(r.result.data), { type: 'double-long-unsigned', value: 5009 });
  },
  'get:TestGetRequestNormalWithError::test_transform_bytes': (a) => {
    assert.deepEqual(a, { type: 'get-response', kind: 'normal', invoke: C1, result: { error: 'hardware-fault' } });
  },
  'get:TestGetResponseWithBlock::test_block_number_decodes_correct': (a) => assert.equal(blockOf(a).blockNumber, 8),
  'get:TestGetResponseLastBlock::test_block_number_decodes_correct': (a) => assert.equal(blockOf(a).blockNumber, 8),
  'get:TestGetResponseLastBlockWithError::test_block_number_decodes_correct': (a) => assert.equal(blockOf(a).blockNumber, 19),
  'get:TestGetResponseLastBlockWithError::test_transform_bytes': (a) => {
    assert.deepEqual(a, { type: 'get-response', kind: 'with-datablock', invoke: C1, block: { lastBlock: true, blockNumber: 19, error: 'hardware-fault' } });
  },
  'set:TestSetRequestNormal::test_transform_bytes': (a) => {
    const r = as(a, 'set-request');
    assert.ok(r.kind === 'normal');
    assert.deepEqual({ ...r, value: hex(r.value) }, {
      type: 'set-request', kind: 'normal', invoke: C1, attribute: { classId: 8, logicalName: ln('0000010000FF'), attributeId: 2 }, access: null, value: '090C07E50118FF0E303950FFC400',
    });
  },
  'set:TestSetResponseNormal::test_transform_bytes': (a) => assert.deepEqual(a, { type: 'set-response', kind: 'normal', invoke: C1, result: 'success' }),
  'action:TestActionRequestNormal::test_transform_bytes': (a) => {
    const r = as(a, 'action-request');
    assert.ok(r.kind === 'normal' && r.parameters !== null);
    assert.deepEqual(r.method, { classId: 15, logicalName: ln('0000280000FF'), methodId: 1 });
    assert.deepEqual(r.invoke, C0);
    assert.equal(hex(r.parameters), '09111000001A90E6D2221FA2FD85EED61ACC22');
  },
  'action:TestActionRequestNormal::test_transform_bytes_without_data': (a) => {
    assert.deepEqual(a, { type: 'action-request', kind: 'normal', invoke: C0, method: { classId: 15, logicalName: ln('0000280000FF'), methodId: 1 }, parameters: null });
  },
  'action:TestActionRequestFactory::test_normal_without_data': (a) => assert.equal(as(a, 'action-request').kind === 'normal' && (a as { parameters: unknown }).parameters, null),
  'action:TestActionResponseNormal::test_transform_bytes': (a) => assert.deepEqual(a, { type: 'action-response', kind: 'normal', invoke: C0, result: 'success', returnParameters: null }),
  'action:TestActionResponseNormalWithData::test_transform_bytes': (a) => {
    const r = as(a, 'action-response');
    assert.ok(r.kind === 'normal' && r.returnParameters !== null && 'data' in r.returnParameters);
    assert.equal(r.result, 'success');
    assert.equal(hex(r.returnParameters.data), '09111000001AFDE8857B728A3499106AA665D1');
  },
  'action:TestActionResponseWithError::test_transform_bytes': (a) => {
    assert.deepEqual(a, { type: 'action-response', kind: 'normal', invoke: C0, result: 'success', returnParameters: { error: 'other-reason' } });
  },
  'notification:TestDataNotification::test_transform_bytes': (a, c) => {
    const n = as(a, 'data-notification');
    assert.equal(n.dateTime, null);
    assert.equal(hex(n.body), hex(named(c, '<inline in assert>')));
    assert.equal(n.invoke.invokeId, 0x1db);
  },
};

function blockOf(a: Apdu): ApduOf<'get-response'> extends infer R ? (R extends { block: infer B } ? B : never) : never {
  const r = as(a, 'get-response');
  assert.ok(r.kind === 'with-datablock');
  return r.block;
}

/** Cases whose vectors are not one APDU, checked on their own terms. */
const SPECIAL: Record<string, (c: UpstreamCase) => void> = {
  'initiate:TestGlobalCipherInitiateRequest::test_decrypt': () => {
    const glo = named(findCase('initiate', 'TestGlobalCipherInitiateRequest::test_parse'), 'data');
    const opened = open(glo, { systemTitle: TITLE, ek: EK, ak: AK });
    assert.deepEqual(decodeApdu(opened.plaintext), initiateRequest(KEY));
  },
  'initiate:TestGlobalCipherInitiateRequest::test_encrypt': () => {
    const glo = named(findCase('initiate', 'TestGlobalCipherInitiateRequest::test_parse'), 'data');
    const sealed = seal({ sc: 0x30, systemTitle: TITLE, invocationCounter: 0x01234567, ek: EK, ak: AK, apdu: encodeApdu(initiateRequest(KEY)) });
    assert.equal(hex(sealed), hex(glo));
  },
  'selective:test_capture_object_definition': (c) => {
    const obj = { classId: 8, logicalName: ln('0000010000FF'), attributeId: 2, dataIndex: 0 };
    assert.equal(hex(encodeData(captureObjectToData(obj))), hex(mainVector(c)));
  },
  'selective:test_range_descriptor1': (c) => {
    for (const name of ['data', 'data2']) {
      const bytes = named(c, name);
      const g = as(decodeApdu(bytes), 'get-request');
      assert.ok(g.kind === 'normal' && g.access !== null && 'range' in g.access);
      assert.deepEqual(g.attribute, { classId: 7, logicalName: ln('0100630100FF'), attributeId: 2 });
      assert.deepEqual(g.access.range.restrictingObject, { classId: 8, logicalName: ln('0000010000FF'), attributeId: 2, dataIndex: 0 });
      assert.deepEqual(g.access.range.selectedValues, []);
      assert.equal(hex(encodeApdu(g)), hex(bytes));
    }
  },
  'selective:test_range_descriptor_to_bytes': (c) => {
    const bytes = mainVector(c);
    const r = new ApduReader(bytes);
    const sel = readSelection(r);
    r.expectEnd('selective access');
    assert.ok('range' in sel);
    // from 2020-01-01 00:03:00 +02:00 (deviation −120), to 2020-01-06 00:03:00 +01:00 (deviation −60), as octet strings.
    assert.deepEqual(sel.range.from, { type: 'octet-string', value: h('07E40101FF00030000FF8800') });
    assert.deepEqual(sel.range.to, { type: 'octet-string', value: h('07E40106FF00030000FFC400') });
    const w = new ApduReader(bytes);
    assert.deepEqual(readSelection(w), sel);
  },
  'selective:test_range_descriptor_is_not_parsed': (c) => {
    const g = as(decodeApdu(named(c, 'data')), 'get-request');
    assert.ok(g.kind === 'normal' && g.access !== null && 'range' in g.access);
    // Upstream keeps the selection unparsed; we parse it and check that it re-encodes to the `access` octets.
    assert.equal(hex(encodeApdu(g)).endsWith(hex(named(c, 'access'))), true);
    assert.deepEqual(decodeAll(named(c, 'access').subarray(2)).type, 'structure'); // after presence flag and selector
  },
};

const ALL = new Map<string, { file: FileKey; c: UpstreamCase }>();
for (const file of Object.keys(FILES) as FileKey[]) {
  for (const c of readCases(FILES[file])) ALL.set(`${file}:${shortId(c.id) || c.id.split('::').pop()!}`, { file, c });
}

function findCase(file: FileKey, id: string): UpstreamCase {
  const found = ALL.get(`${file}:${id}`);
  if (found === undefined) throw new Error(`no case ${file}:${id}`);
  return found.c;
}

test('corpus › EXCLUDED, CHECKS and SPECIAL name only existing cases', () => {
  for (const key of [...Object.keys(EXCLUDED), ...Object.keys(CHECKS), ...Object.keys(SPECIAL)]) assert.ok(ALL.has(key), `${key} is not a corpus case`);
});

function expectedVariant(file: FileKey, c: UpstreamCase): string {
  const table = CLASS_VARIANT[file] ?? {};
  const v = table[upstreamClass(c.id)] ?? table['*'];
  if (v === undefined) throw new Error(`${c.id}: no expected variant for class ${upstreamClass(c.id)}`);
  return v;
}

for (const [key, { file, c }] of ALL) {
  const reason = EXCLUDED[key];
  if (reason !== undefined) {
    test(`corpus › ${key} › excluded: ${reason}`, () => assert.ok(c.vectors.length >= 0));
    continue;
  }
  const special = SPECIAL[key];
  if (special !== undefined) {
    test(`corpus › ${key}`, () => special(c));
    continue;
  }
  const bytes = mainVector(c);
  const expected = expectedVariant(file, c);
  if (c.expected_raises !== null) {
    test(`corpus › ${key} › rejected as ${expected}`, () => {
      let decoded: Apdu;
      try {
        decoded = decodeApdu(bytes);
      } catch (err) {
        assert.ok(isDlmsError(err), `threw a non-DlmsError: ${String(err)}`);
        return;
      }
      assert.ok(!isVariant(variantOf(decoded), expected), `decoded as ${variantOf(decoded)}, which upstream's ${upstreamClass(c.id)} accepts`);
    });
    continue;
  }
  test(`corpus › ${key}`, () => {
    const a = decodeApdu(bytes);
    assert.ok(isVariant(variantOf(a), expected), `decoded as ${variantOf(a)}, expected ${expected}`);
    assert.equal(hex(encodeApdu(a)), hex(bytes), 'byte-exact re-encode');
    CHECKS[key]?.(a, c);
  });
}
