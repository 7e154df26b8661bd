import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../model/errors.ts';
import { conformance, decodeApdu, encodeApdu, type AttributeDescriptor } from './apdu/index.ts';
import { SERVER_TRANSITIONS, type CosemHandler } from './connection-server.ts';
import { exchange, h, pair } from './association/pair.test-helper.ts';

const ENERGY: AttributeDescriptor = { classId: 3, logicalName: h('0100010800FF'), attributeId: 2 };
const handler: CosemHandler = { get: () => ({ type: 'double-long-unsigned', value: 7 }) };
const getRequest = (invokeId = 0) => encodeApdu({ type: 'get-request', kind: 'normal', invoke: { invokeId, confirmed: true, highPriority: true }, attribute: ENERGY, access: null });

test('a replayed ciphered request is rejected with DLMS_SECURITY_REPLAY, an invocation-counter-error and a security event', () => {
  const p = pair({ policy: 'authenticated-encrypted', handler });
  exchange(p, { type: 'associate' });
  p.server.nextEvent();
  const req = p.client.send({ type: 'get', attribute: ENERGY });
  p.client.receive(p.server.receive(req));
  assert.equal(p.client.nextEvent()?.type, 'response');
  const answer = decodeApdu(p.server.receive(req));
  assert.deepEqual(answer, { type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'invocation-counter-error', invocationCounter: 3 });
  const ev = p.server.nextEvent();
  assert.ok(ev?.type === 'error' && hasCode(ev.error, 'DLMS_SECURITY_REPLAY'));
  assert.equal(p.serverEvents.length, 1);
  assert.equal(p.serverEvents[0]!.type, 'dlms.security.replay-rejected');
  assert.equal(p.serverEvents[0]!.subject, '4D4D4D0000000001');
  assert.equal(p.server.state, 'associated');
  // the client maps the exception to an `exception` event and stays associated
  p.client.send({ type: 'get', attribute: ENERGY });
  p.client.receive(encodeApdu(answer));
  assert.equal(p.client.nextEvent()?.type, 'exception');
  assert.equal(p.client.state, 'associated');
});

test('a replayed AARQ (same glo-initiate-request counter) is rejected', () => {
  const p = pair({ policy: 'authenticated-encrypted', handler });
  exchange(p, { type: 'associate' });
  const aare = decodeApdu(p.server.receive(p.wire[0]!));
  assert.ok(aare.type === 'aare' && aare.result === 'rejected-permanent');
  assert.ok(aare.userInformation?.type === 'confirmed-service-error' && aare.userInformation.service === 'initiate');
  assert.equal(p.serverEvents[0]?.type, 'dlms.security.replay-rejected');
});

test('a plain request under a ciphering policy and a tampered frame get exception responses', () => {
  const p = pair({ policy: 'authenticated', handler });
  exchange(p, { type: 'associate' });
  assert.deepEqual(decodeApdu(p.server.receive(getRequest())), { type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'deciphering-error' });
  const req = p.client.send({ type: 'get', attribute: ENERGY });
  const bad = Uint8Array.from(req);
  bad[bad.length - 1]! ^= 0x80;
  assert.deepEqual(decodeApdu(p.server.receive(bad)), { type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'deciphering-error' });
  assert.equal(p.serverEvents.length, 0, 'a forged frame moves no counter and raises no replay event');
  p.client.receive(p.server.receive(req));
  assert.equal(p.client.nextEvent()?.type, 'response');
});

test('requests before association are answered with an ExceptionResponse (service-not-allowed)', () => {
  const p = pair({ handler });
  assert.deepEqual(decodeApdu(p.server.receive(getRequest())), { type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'operation-not-possible' });
  const ev = p.server.nextEvent();
  assert.ok(ev?.type === 'error' && hasCode(ev.error, 'DLMS_ILLEGAL_STATE'));
  const rlrq = encodeApdu({ type: 'rlrq', reason: 'normal', userInformation: null });
  assert.equal(decodeApdu(p.server.receive(rlrq)).type, 'exception-response');
  assert.equal(SERVER_TRANSITIONS.idle.get, undefined);
});

test('during HLS pass 3 only reply_to_HLS_authentication is served', () => {
  const p = pair({ mechanism: 'hls-gmac', handler });
  const aare = decodeApdu(p.server.receive(p.client.send({ type: 'associate' })));
  assert.ok(aare.type === 'aare' && aare.result === 'accepted' && aare.diagnostic.value === 14, 'accepted with authentication-required');
  assert.equal(p.server.state, 'awaiting-hls');
  assert.equal(decodeApdu(p.server.receive(getRequest())).type, 'exception-response');
  assert.equal(p.server.state, 'awaiting-hls');
});

test('GET-Request-Next without a long GET, or with a wrong block number, answers with a data-block error', () => {
  const p = pair({ handler });
  exchange(p, { type: 'associate' });
  const next = (blockNumber: number) => encodeApdu({ type: 'get-request', kind: 'next', invoke: { invokeId: 0, confirmed: true, highPriority: true }, blockNumber });
  const r = decodeApdu(p.server.receive(next(1)));
  assert.ok(r.type === 'get-response' && r.kind === 'with-datablock' && 'error' in r.block && r.block.error === 'no-long-get-in-progress');
  const big = pair({ handler: { get: () => ({ type: 'octet-string', value: new Uint8Array(5000) }) }, server: { maxPduSize: 256 } });
  exchange(big, { type: 'associate' });
  const first = decodeApdu(big.server.receive(getRequest()));
  assert.ok(first.type === 'get-response' && first.kind === 'with-datablock' && first.block.blockNumber === 1 && !first.block.lastBlock);
  assert.ok(big.server.receive(getRequest()).length <= 256);
  const wrong = decodeApdu(big.server.receive(next(7)));
  assert.ok(wrong.type === 'get-response' && wrong.kind === 'with-datablock' && 'error' in wrong.block && wrong.block.error === 'data-block-number-invalid');
});

test('InitiateRequest with an old DLMS version or no common conformance is rejected with a ConfirmedServiceError', () => {
  const p = pair({ handler });
  const aarq = decodeApdu(p.client.send({ type: 'associate' }));
  assert.ok(aarq.type === 'aarq' && aarq.userInformation?.type === 'initiate-request');
  const old = encodeApdu({ ...aarq, userInformation: { ...aarq.userInformation, dlmsVersion: 5 } });
  const r = decodeApdu(p.server.receive(old));
  assert.ok(r.type === 'aare' && r.result === 'rejected-permanent');
  assert.deepEqual(r.userInformation, { type: 'confirmed-service-error', service: 'initiate', family: 'initiate', code: 1 });
  const none = encodeApdu({ ...aarq, userInformation: { ...aarq.userInformation, conformance: conformance('data-notification') } });
  const r2 = decodeApdu(p.server.receive(none));
  assert.ok(r2.type === 'aare' && r2.userInformation?.type === 'confirmed-service-error' && r2.userInformation.code === 2);
});

test('an AARQ with the wrong application context is rejected (application-context-name-not-supported)', () => {
  const p = pair({ policy: 'authenticated', handler });
  const aarq = decodeApdu(p.client.send({ type: 'associate' }));
  assert.ok(aarq.type === 'aarq');
  const r = decodeApdu(p.server.receive(encodeApdu({ ...aarq, applicationContext: 'ln' })));
  assert.ok(r.type === 'aare' && r.result === 'rejected-permanent' && r.diagnostic.value === 2);
});
