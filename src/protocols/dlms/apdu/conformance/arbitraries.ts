/** fast-check arbitraries for every APDU, shared by the property and fuzz tests. */
import fc from 'fast-check';
import { encodeData } from '../../axdr/index.ts';
import { dataArb, dateTimeArb } from '../../axdr/conformance/arbitraries.ts';
import { GLO_TAGS } from '../../security/index.ts';
import { ACTION_RESULT, APPLICATION_CONTEXT, CONFORMANCE_BITS, DATA_ACCESS_RESULT, MECHANISM, type AccessSelection, type Apdu, type Conformance } from '../index.ts';
import { CONFIRMED_SERVICE, SERVICE_ERROR_FAMILY } from '../confirmed-service-error.ts';
import { SERVICE_ERROR, STATE_ERROR } from '../exception-response.ts';
import { ASSOCIATION_RESULT } from '../aare.ts';
import { RELEASE_REQUEST_REASON } from '../rlrq.ts';
import { RELEASE_RESPONSE_REASON } from '../rlre.ts';

const keys = <T extends object>(o: T): fc.Arbitrary<keyof T> => fc.constantFrom(...(Object.keys(o) as (keyof T)[]));
const plain = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T> => a.map((r) => ({ ...r }));
/** fc.record builds null-prototype objects; the decoder builds plain ones. */
const rec = <T extends object>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(shape).map((r) => ({ ...r }) as T);
const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i8 = fc.integer({ min: -128, max: 127 });
const ln = fc.uint8Array({ minLength: 6, maxLength: 6 });
const raw = dataArb.map(encodeData);
const list = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(a, { minLength: 1, maxLength: 3 });

const invoke = plain(rec({ invokeId: fc.integer({ min: 0, max: 15 }), confirmed: fc.boolean(), highPriority: fc.boolean() }));
const longInvoke = plain(rec({ invokeId: fc.integer({ min: 0, max: 0xffffff }), selfDescriptive: fc.boolean(), breakOnError: fc.boolean(), confirmed: fc.boolean(), highPriority: fc.boolean() }));
const attribute = plain(rec({ classId: u16, logicalName: ln, attributeId: i8 }));
const method = plain(rec({ classId: u16, logicalName: ln, methodId: i8 }));
const captureObject = plain(rec({ classId: u16, logicalName: ln, attributeId: i8, dataIndex: u16 }));
const selection: fc.Arbitrary<AccessSelection> = fc.oneof(
  plain(rec({ restrictingObject: captureObject, from: dataArb, to: dataArb, selectedValues: fc.array(captureObject, { maxLength: 3 }) })).map((range) => ({ selector: 1 as const, range })),
  plain(rec({ fromEntry: u32, toEntry: u32, fromSelectedValue: u16, toSelectedValue: u16 })).map((entry) => ({ selector: 2 as const, entry })),
  rec({ selector: fc.integer({ min: 3, max: 255 }), parameters: dataArb }).map((r) => ({ ...r })),
);
const attrReq = plain(rec({ attribute, access: fc.option(selection, { nil: null }) }));
const dar = keys(DATA_ACCESS_RESULT);
const getDataResult = fc.oneof(raw.map((data) => ({ data })), dar.map((error) => ({ error })));
const blockSA = plain(rec({ lastBlock: fc.boolean(), blockNumber: u32, rawData: fc.uint8Array({ maxLength: 200 }) }));
const conformanceArb: fc.Arbitrary<Conformance> = fc.array(fc.boolean(), { minLength: 24, maxLength: 24 })
  .map((bits) => Object.fromEntries(CONFORMANCE_BITS.map((f, i) => [f, bits[i]!])) as Conformance);

const t = <T extends string>(type: T) => fc.constant(type);

export const getRequestArb = fc.oneof(
  rec({ type: t('get-request'), kind: t('normal'), invoke, attribute, access: fc.option(selection, { nil: null }) }),
  rec({ type: t('get-request'), kind: t('next'), invoke, blockNumber: u32 }),
  rec({ type: t('get-request'), kind: t('with-list'), invoke, items: list(attrReq) }),
);
export const getResponseArb = fc.oneof(
  rec({ type: t('get-response'), kind: t('normal'), invoke, result: getDataResult }),
  rec({
    type: t('get-response'), kind: t('with-datablock'), invoke,
    block: fc.oneof(
      plain(rec({ lastBlock: fc.boolean(), blockNumber: u32, rawData: fc.uint8Array({ maxLength: 300 }) })),
      plain(rec({ lastBlock: fc.boolean(), blockNumber: u32, error: dar })),
    ),
  }),
  rec({ type: t('get-response'), kind: t('with-list'), invoke, results: list(getDataResult) }),
);
export const setRequestArb = fc.oneof(
  rec({ type: t('set-request'), kind: t('normal'), invoke, attribute, access: fc.option(selection, { nil: null }), value: raw }),
  rec({ type: t('set-request'), kind: t('with-first-datablock'), invoke, attribute, access: fc.option(selection, { nil: null }), block: blockSA }),
  rec({ type: t('set-request'), kind: t('with-datablock'), invoke, block: blockSA }),
  list(fc.tuple(attrReq, raw)).chain((pairs) => rec({ type: t('set-request'), kind: t('with-list'), invoke, items: fc.constant(pairs.map((p) => p[0])), values: fc.constant(pairs.map((p) => p[1])) })),
  rec({ type: t('set-request'), kind: t('with-list-and-first-datablock'), invoke, items: list(attrReq), block: blockSA }),
);
export const setResponseArb = fc.oneof(
  rec({ type: t('set-response'), kind: t('normal'), invoke, result: dar }),
  rec({ type: t('set-response'), kind: t('datablock'), invoke, blockNumber: u32 }),
  rec({ type: t('set-response'), kind: t('last-datablock'), invoke, result: dar, blockNumber: u32 }),
  rec({ type: t('set-response'), kind: t('last-datablock-with-list'), invoke, results: list(dar), blockNumber: u32 }),
  rec({ type: t('set-response'), kind: t('with-list'), invoke, results: list(dar) }),
);
export const actionRequestArb = fc.oneof(
  rec({ type: t('action-request'), kind: t('normal'), invoke, method, parameters: fc.option(raw, { nil: null }) }),
  rec({ type: t('action-request'), kind: t('next-pblock'), invoke, blockNumber: u32 }),
  list(fc.tuple(method, raw)).chain((pairs) => rec({ type: t('action-request'), kind: t('with-list'), invoke, methods: fc.constant(pairs.map((p) => p[0])), parameters: fc.constant(pairs.map((p) => p[1])) })),
  rec({ type: t('action-request'), kind: t('with-first-pblock'), invoke, method, block: blockSA }),
  rec({ type: t('action-request'), kind: t('with-list-and-first-pblock'), invoke, methods: list(method), block: blockSA }),
  rec({ type: t('action-request'), kind: t('with-pblock'), invoke, block: blockSA }),
);
const outcome = plain(rec({ result: keys(ACTION_RESULT), returnParameters: fc.option(getDataResult, { nil: null }) }));
export const actionResponseArb = fc.oneof(
  rec({ type: t('action-response'), kind: t('normal'), invoke, result: keys(ACTION_RESULT), returnParameters: fc.option(getDataResult, { nil: null }) }),
  rec({ type: t('action-response'), kind: t('with-pblock'), invoke, block: blockSA }),
  rec({ type: t('action-response'), kind: t('with-list'), invoke, outcomes: list(outcome) }),
  rec({ type: t('action-response'), kind: t('next-pblock'), invoke, blockNumber: u32 }),
);
export const dataNotificationArb = rec({ type: t('data-notification'), invoke: longInvoke, dateTime: fc.option(dateTimeArb, { nil: null }), body: raw });
export const exceptionResponseArb = fc.oneof(
  rec({ type: t('exception-response'), stateError: keys(STATE_ERROR), serviceError: keys(SERVICE_ERROR).filter((s) => s !== 'invocation-counter-error') }),
  rec({ type: t('exception-response'), stateError: keys(STATE_ERROR), serviceError: t('invocation-counter-error'), invocationCounter: u32 }),
);
export const confirmedServiceErrorArb = rec({ type: t('confirmed-service-error'), service: keys(CONFIRMED_SERVICE), family: keys(SERVICE_ERROR_FAMILY), code: u8 });
export const initiateRequestArb = rec({
  type: t('initiate-request'), dedicatedKey: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: null }), responseAllowed: fc.boolean(),
  proposedQualityOfService: fc.option(i8, { nil: null }), dlmsVersion: u8, conformance: conformanceArb, clientMaxReceivePduSize: u16,
});
export const initiateResponseArb = rec({
  type: t('initiate-response'), negotiatedQualityOfService: fc.option(i8, { nil: null }), dlmsVersion: u8, conformance: conformanceArb, serverMaxReceivePduSize: u16, vaaName: u16,
});
const gloContent = fc.uint8Array({ minLength: 17, maxLength: 60 });
export const cipheredArb = fc.oneof(
  rec({ type: t('ciphered'), kind: keys(GLO_TAGS), content: gloContent }),
  rec({ type: t('ciphered'), kind: t('general-glo-ciphering'), systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }), content: gloContent }),
);
const optBytes = (min: number, max: number) => fc.option(fc.uint8Array({ minLength: min, maxLength: max }), { nil: null });
const mech = fc.option(keys(MECHANISM), { nil: null });
const verbatim = (nums: number[]) => fc.uniqueArray(fc.constantFrom(...nums), { maxLength: 2 })
  .chain((ns) => fc.tuple(...ns.map((n) => fc.uint8Array({ maxLength: 12 }).map((value) => ({ tag: (n < 10 && n !== 0 ? 0xa0 : 0x80) | n, value })))))
  .map((cs) => [...cs].sort((a, b) => (a.tag & 0x1f) - (b.tag & 0x1f)));
export const aarqArb = rec({
  type: t('aarq'), applicationContext: keys(APPLICATION_CONTEXT), callingApTitle: optBytes(0, 16), mechanism: mech, callingAuthenticationValue: optBytes(0, 64),
  userInformation: fc.option(fc.oneof(initiateRequestArb, cipheredArb), { nil: null }), other: verbatim([0, 2, 3, 4, 5, 7, 8, 9, 29]),
});
export const aareArb = rec({
  type: t('aare'), applicationContext: keys(APPLICATION_CONTEXT), result: keys(ASSOCIATION_RESULT),
  diagnostic: plain(rec({ source: fc.constantFrom('acse-service-user' as const, 'acse-service-provider' as const), value: u8 })),
  respondingApTitle: optBytes(0, 16), mechanism: mech, respondingAuthenticationValue: optBytes(0, 64),
  userInformation: fc.option(fc.oneof(initiateResponseArb, confirmedServiceErrorArb, cipheredArb), { nil: null }), other: verbatim([0, 5, 6, 7, 29]),
});
export const rlrqArb = rec({ type: t('rlrq'), reason: fc.option(keys(RELEASE_REQUEST_REASON), { nil: null }), userInformation: fc.option(fc.oneof(initiateRequestArb, cipheredArb), { nil: null }) });
export const rlreArb = rec({ type: t('rlre'), reason: fc.option(keys(RELEASE_RESPONSE_REASON), { nil: null }), userInformation: fc.option(fc.oneof(initiateResponseArb, confirmedServiceErrorArb, cipheredArb), { nil: null }) });

/** One arbitrary per APDU type, as plain objects (the decoder builds plain objects). */
export const APDU_ARBS: Record<Apdu['type'], fc.Arbitrary<Apdu>> = {
  aarq: plain(aarqArb) as fc.Arbitrary<Apdu>,
  aare: plain(aareArb) as fc.Arbitrary<Apdu>,
  rlrq: plain(rlrqArb) as fc.Arbitrary<Apdu>,
  rlre: plain(rlreArb) as fc.Arbitrary<Apdu>,
  'initiate-request': plain(initiateRequestArb) as fc.Arbitrary<Apdu>,
  'initiate-response': plain(initiateResponseArb) as fc.Arbitrary<Apdu>,
  'confirmed-service-error': plain(confirmedServiceErrorArb) as fc.Arbitrary<Apdu>,
  'get-request': plain(getRequestArb) as fc.Arbitrary<Apdu>,
  'get-response': plain(getResponseArb) as fc.Arbitrary<Apdu>,
  'set-request': plain(setRequestArb) as fc.Arbitrary<Apdu>,
  'set-response': plain(setResponseArb) as fc.Arbitrary<Apdu>,
  'action-request': plain(actionRequestArb) as fc.Arbitrary<Apdu>,
  'action-response': plain(actionResponseArb) as fc.Arbitrary<Apdu>,
  'data-notification': plain(dataNotificationArb) as fc.Arbitrary<Apdu>,
  'exception-response': plain(exceptionResponseArb) as fc.Arbitrary<Apdu>,
  ciphered: plain(cipheredArb) as fc.Arbitrary<Apdu>,
};
