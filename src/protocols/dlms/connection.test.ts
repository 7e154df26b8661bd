import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode } from '../../model/errors.ts';
import { dataOf, decodeApdu, encodeApdu, type AccessSelection, type AttributeDescriptor } from './apdu/index.ts';
import { hlsGmacResponse, ReplayGuard, SendCounters } from './security/index.ts';
import { CLIENT_TRANSITIONS, DlmsClientConnection, type ClientEvent, type ClientRequest, type ClientState } from './connection.ts';
import type { CosemHandler } from './connection-server.ts';
import { AK, ascii, CLIENT_TITLE, EK, exchange, h, pair, SERVER_TITLE } from './association/pair.test-helper.ts';
import type { AuthMechanism, SecurityPolicy } from './association/types.ts';

const CLOCK_ATTR: AttributeDescriptor = { classId: 8, logicalName: h('0000010000FF'), attributeId: 2 };
const ENERGY: AttributeDescriptor = { classId: 3, logicalName: h('0100010800FF'), attributeId: 2 };
const PROFILE: AttributeDescriptor = { classId: 7, logicalName: h('0100630100FF'), attributeId: 2 };
const BIG = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31 + 7) & 0xff);

function meter(seen: { access: AccessSelection | null }[] = []): CosemHandler {
  let energy = 123456;
  return {
    get(attribute, access) {
      seen.push({ access });
      if (attribute.classId === 3) return { type: 'double-long-unsigned', value: energy };
      if (attribute.classId === 7) return { type: 'octet-string', value: BIG };
      return { error: 'object-undefined' };
    },
    set(_attribute, _access, value) {
      if (value.type !== 'double-long-unsigned') return 'type-unmatched';
      energy = value.value;
      return 'success';
    },
    action(method, parameters) {
      if (method.classId !== 70) return { result: 'object-undefined' };
      return { result: 'success', returnData: parameters ?? { type: 'null-data' } };
    },
  };
}

function associate(p: ReturnType<typeof pair>): ClientEvent {
  return exchange(p, { type: 'associate' });
}

const MECHANISMS: AuthMechanism[] = ['lowest', 'low', 'hls-gmac'];
const POLICIES: SecurityPolicy[] = ['none', 'authenticated', 'encrypted', 'authenticated-encrypted'];

for (const mechanism of MECHANISMS) {
  for (const policy of POLICIES) {
    test(`association + GET: mechanism ${mechanism}, policy ${policy}`, () => {
      const p = pair({ mechanism, policy, handler: meter() });
      const ev = associate(p);
      assert.equal(ev.type, 'associated', JSON.stringify(ev));
      assert.equal(p.client.state, 'associated');
      assert.equal(p.server.state, 'associated');
      assert.equal(p.server.nextEvent()?.type, 'associated');
      const r = exchange(p, { type: 'get', attribute: ENERGY });
      assert.ok(r.type === 'response' && 'data' in r);
      assert.deepEqual(dataOf(r.data), { type: 'double-long-unsigned', value: 123456 });
      if (policy !== 'none') {
        // every service APDU on the wire is ciphered (glo-get-request 0xC8), the AARQ carries a glo-initiate-request
        assert.equal(p.wire.at(-1)![0], 0xc8);
        const aarq = decodeApdu(p.wire[0]!);
        assert.ok(aarq.type === 'aarq' && aarq.userInformation?.type === 'ciphered');
      }
      assert.equal(exchange(p, { type: 'release' }).type, 'released');
      assert.equal(p.client.state, 'released');
      assert.equal(p.server.state, 'idle');
    });
  }
}

test('a 100 kB buffer is read via GET data blocks and reassembles exactly (plain and ciphered)', () => {
  for (const policy of ['none', 'authenticated-encrypted'] as const) {
    const p = pair({ policy, handler: meter(), server: { maxPduSize: 512 } });
    associate(p);
    const before = p.wire.length;
    const r = exchange(p, { type: 'get', attribute: PROFILE });
    assert.ok(r.type === 'response' && 'data' in r);
    const v = dataOf(r.data);
    assert.ok(v.type === 'octet-string');
    assert.deepEqual(v.value, BIG);
    assert.ok(r.blocks > 190, `blocks ${r.blocks}`);
    assert.equal(p.wire.length - before, r.blocks, 'one GET plus one GET-Request-Next per further block');
    for (const w of p.wire.slice(before + 1)) {
      const plain = policy === 'none' ? decodeApdu(w) : null;
      if (plain !== null) assert.ok(plain.type === 'get-request' && plain.kind === 'next');
    }
    assert.equal(exchange(p, { type: 'get', attribute: ENERGY }).type, 'response');
  }
});

test('selective access is passed through to the handler', () => {
  const seen: { access: AccessSelection | null }[] = [];
  const p = pair({ handler: meter(seen) });
  associate(p);
  const access: AccessSelection = { selector: 2, entry: { fromEntry: 1, toEntry: 10, fromSelectedValue: 1, toSelectedValue: 0 } };
  exchange(p, { type: 'get', attribute: PROFILE, access });
  assert.deepEqual(seen.at(-1)?.access, access);
});

test('GET of an undefined object answers with the data-access-result', () => {
  const p = pair({ handler: meter() });
  associate(p);
  const r = exchange(p, { type: 'get', attribute: CLOCK_ATTR });
  assert.ok(r.type === 'response' && 'error' in r && r.error === 'object-undefined');
});

test('SET and ACTION (normal), ciphered', () => {
  const p = pair({ policy: 'authenticated-encrypted', mechanism: 'hls-gmac', handler: meter() });
  associate(p);
  assert.deepEqual(exchange(p, { type: 'set', attribute: ENERGY, value: { type: 'double-long-unsigned', value: 42 } }), { type: 'set-result', invokeId: 1, result: 'success' });
  const r = exchange(p, { type: 'get', attribute: ENERGY });
  assert.ok(r.type === 'response' && 'data' in r);
  assert.deepEqual(dataOf(r.data), { type: 'double-long-unsigned', value: 42 });
  assert.equal((exchange(p, { type: 'set', attribute: ENERGY, value: { type: 'boolean', value: true } }) as { result: string }).result, 'type-unmatched');
  const a = exchange(p, { type: 'action', method: { classId: 70, logicalName: h('0000600300FF'), methodId: 1 }, parameters: { type: 'integer', value: 0 } });
  assert.ok(a.type === 'action-result' && a.result === 'success');
  assert.deepEqual(a.returnParameters !== null && 'data' in a.returnParameters ? dataOf(a.returnParameters.data) : null, { type: 'integer', value: 0 });
});

test('wrong password is rejected with the AARE diagnostic authentication-failure', () => {
  const p = pair({ mechanism: 'low', handler: meter(), client: { password: ascii('wrong') } });
  const ev = associate(p);
  assert.ok(ev.type === 'rejected');
  assert.equal(ev.result, 'rejected-permanent');
  assert.deepEqual(ev.diagnostic, { source: 'acse-service-user', value: 13 });
  assert.equal(p.client.state, 'idle');
  assert.equal(p.server.state, 'idle');
  assert.equal(p.server.nextEvent()?.type, 'error');
  assert.deepEqual(p.server.nextEvent(), { type: 'rejected', diagnostic: { source: 'acse-service-user', value: 13 } });
});

test('a mechanism the server does not offer is rejected (mechanism-name-not-recognised / authentication-required)', () => {
  const hls = pair({ mechanism: 'low', handler: meter(), server: { mechanism: 'hls-gmac', keys: { ek: EK, ak: AK }, sendCounters: new SendCounters({ sink: () => {} }) } });
  const ev = associate(hls);
  assert.ok(ev.type === 'rejected' && ev.diagnostic.value === 11);
  const lowest = pair({ mechanism: 'lowest', handler: meter(), server: { mechanism: 'low' } });
  const ev2 = associate(lowest);
  assert.ok(ev2.type === 'rejected' && ev2.diagnostic.value === 14);
});

test('a wrong key under authenticated-encrypted is a rejected association with the diagnostic and the service error', () => {
  const p = pair({ mechanism: 'lowest', policy: 'authenticated-encrypted', handler: meter(), client: { keys: { ek: AK, ak: AK } } });
  const ev = associate(p);
  assert.ok(ev.type === 'rejected', JSON.stringify(ev));
  assert.equal(ev.result, 'rejected-permanent');
  assert.deepEqual(ev.diagnostic, { source: 'acse-service-user', value: 1 });
  assert.deepEqual(ev.serviceError, { type: 'confirmed-service-error', service: 'initiate', family: 'initiate', code: 0 });
  assert.equal(p.client.state, 'idle');
  assert.equal(p.server.state, 'idle');
  // the AARE on the wire is the plain rejection a real meter sends
  const aare = decodeApdu(p.server.receive(p.wire[0]!));
  assert.ok(aare.type === 'aare' && aare.userInformation?.type === 'confirmed-service-error');
});

test('a replayed AARQ invocation counter under authenticated-encrypted is a rejected association', () => {
  const p = pair({ mechanism: 'lowest', policy: 'authenticated-encrypted', handler: meter() });
  assert.equal(associate(p).type, 'associated');
  assert.equal(exchange(p, { type: 'release' }).type, 'released');
  // a second head-end instance whose counter went back to 1: the meter has seen that counter
  const replayed = new DlmsClientConnection({
    clientSystemTitle: CLIENT_TITLE, serverSystemTitle: SERVER_TITLE, mechanism: 'lowest', securityPolicy: 'authenticated-encrypted',
    keys: { ek: EK, ak: AK }, sendCounters: new SendCounters({ sink: () => {}, start: 1 }), replayGuard: new ReplayGuard({ sink: () => {} }),
  });
  replayed.receive(p.server.receive(replayed.send({ type: 'associate' })));
  const ev = replayed.nextEvent();
  assert.ok(ev?.type === 'rejected' && ev.diagnostic.source === 'acse-service-user' && ev.serviceError?.service === 'initiate', JSON.stringify(ev));
  assert.equal(replayed.state, 'idle');
  assert.equal(p.serverEvents.at(-1)?.type, 'dlms.security.replay-rejected');
});

test('an accepted AARE with a plain user-information under a ciphering policy still fails the client', () => {
  const client = new DlmsClientConnection({
    clientSystemTitle: CLIENT_TITLE, serverSystemTitle: SERVER_TITLE, mechanism: 'lowest', securityPolicy: 'authenticated-encrypted',
    keys: { ek: EK, ak: AK }, sendCounters: new SendCounters({ sink: () => {} }), replayGuard: new ReplayGuard({ sink: () => {} }),
  });
  client.send({ type: 'associate' });
  client.receive(encodeApdu({
    type: 'aare', applicationContext: 'ln-ciphered', result: 'accepted', diagnostic: { source: 'acse-service-user', value: 0 },
    respondingApTitle: SERVER_TITLE, mechanism: null, respondingAuthenticationValue: null, other: [],
    userInformation: { type: 'confirmed-service-error', service: 'initiate', family: 'initiate', code: 0 },
  }));
  const ev = client.nextEvent();
  assert.ok(ev?.type === 'failed' && hasCode(ev.error, 'DLMS_SECURITY_UNSUPPORTED'), JSON.stringify(ev));
});

test('HLS-GMAC with a wrong key fails on both sides', () => {
  const wrong = pair({ mechanism: 'hls-gmac', handler: meter(), client: { keys: { ek: EK, ak: EK } } });
  const ev = associate(wrong);
  assert.ok(ev.type === 'failed' && hasCode(ev.error, 'DLMS_SECURITY_BAD_TAG'), JSON.stringify(ev));
  assert.equal(wrong.client.state, 'failed');
  assert.equal(wrong.server.state, 'idle');
  const errors = [wrong.server.nextEvent(), wrong.server.nextEvent()];
  assert.ok(errors.some((e) => e?.type === 'error' && hasCode(e.error, 'DLMS_SECURITY_BAD_TAG')));
  // ciphered: the server cannot even open the pass-3 ACTION (or the AARQ) and the client fails
  const wrongCiphered = pair({ mechanism: 'hls-gmac', policy: 'authenticated-encrypted', handler: meter(), client: { keys: { ek: AK, ak: AK } } });
  const ev2 = associate(wrongCiphered);
  assert.notEqual(ev2.type, 'associated');
  assert.notEqual(wrongCiphered.server.state, 'associated');
});

test('HLS-GMAC: a server reply f(CtoS) that does not verify fails the client with a typed error', () => {
  const p = pair({ mechanism: 'hls-gmac', handler: meter(), server: { keys: { ek: EK, ak: EK } } });
  const ev = associate(p);
  assert.ok(ev.type === 'failed', JSON.stringify(ev));
  assert.ok(hasCode(ev.error, 'DLMS_SECURITY_BAD_TAG'));
});

test('DOMAIN §2.6 HLS-GMAC vectors reproduced through the full exchange', () => {
  const p = pair({
    mechanism: 'hls-gmac', handler: meter(), clientStart: 1, serverStart: 0x01234567,
    client: { challenge: () => ascii('K56iVagY') }, server: { challenge: () => ascii('P6wRJ21F') },
  });
  assert.equal(associate(p).type, 'associated');
  const aarq = decodeApdu(p.wire[0]!);
  assert.ok(aarq.type === 'aarq');
  assert.deepEqual(aarq.callingAuthenticationValue, h('4B35366956616759'));
  const pass3 = decodeApdu(p.wire[1]!);
  assert.ok(pass3.type === 'action-request' && pass3.kind === 'normal' && pass3.parameters !== null);
  assert.deepEqual(pass3.method, { classId: 15, logicalName: h('0000280000FF'), methodId: 1 });
  // f(StoC) with client IV 4D4D4D0000000001 ‖ 00000001
  assert.deepEqual(dataOf(pass3.parameters), { type: 'octet-string', value: h('10 00000001 1A52FE7DD3E72748973C1E28') });
  // the server's pass-4 reply is f(CtoS) with server IV 4D4D4D0000BC614E ‖ 01234567
  const expected = hlsGmacResponse({ systemTitle: SERVER_TITLE, invocationCounter: 0x01234567, ek: EK, ak: AK, challenge: ascii('K56iVagY') });
  assert.deepEqual(expected, h('10 01234567 FE1466AFB3DBCD4F9389E2B7'));
  assert.deepEqual(CLIENT_TITLE, h('4D4D4D0000000001'));
});

test('illegal events throw DLMS_ILLEGAL_STATE naming state and event, and change nothing', () => {
  const c = new DlmsClientConnection({ clientSystemTitle: CLIENT_TITLE, mechanism: 'lowest', securityPolicy: 'none' });
  assert.throws(() => c.send({ type: 'get', attribute: ENERGY }), (e) => hasCode(e, 'DLMS_ILLEGAL_STATE') && /get/.test(e.message) && /idle/.test(e.message));
  assert.throws(() => c.send({ type: 'release' }), (e) => hasCode(e, 'DLMS_ILLEGAL_STATE'));
  assert.throws(() => c.receive(h('6100')), (e) => hasCode(e, 'DLMS_ILLEGAL_STATE'));
  assert.equal(c.state, 'idle');
  c.send({ type: 'associate' });
  assert.throws(() => c.send({ type: 'associate' }), (e) => hasCode(e, 'DLMS_ILLEGAL_STATE') && /awaiting-aare/.test(e.message));
});

test('a response with an unexpected invoke id fails with a typed error', () => {
  const p = pair({ handler: meter() });
  associate(p);
  const req = p.client.send({ type: 'get', attribute: ENERGY });
  const resp = decodeApdu(p.server.receive(req));
  assert.ok(resp.type === 'get-response');
  p.client.receive(encodeApdu({ ...resp, invoke: { ...resp.invoke, invokeId: (resp.invoke.invokeId + 1) & 15 } }));
  const ev = p.client.nextEvent();
  assert.ok(ev?.type === 'failed' && hasCode(ev.error, 'DLMS_BAD_APDU') && /invoke id/.test(ev.error.message));
  assert.equal(p.client.state, 'failed');
});

test('invoke ids rotate over 0..15', () => {
  const p = pair({ handler: meter() });
  associate(p);
  const ids: number[] = [];
  for (let i = 0; i < 20; i++) {
    const r = exchange(p, { type: 'get', attribute: ENERGY });
    assert.equal(r.type, 'response');
    ids.push((r as { invokeId: number }).invokeId);
  }
  assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i % 16));
});

test('a garbled or forged ciphered response fails the client (tag checked before the counter)', () => {
  const p = pair({ policy: 'authenticated-encrypted', handler: meter() });
  associate(p);
  const resp = p.server.receive(p.client.send({ type: 'get', attribute: ENERGY }));
  const forged = Uint8Array.from(resp);
  forged[forged.length - 1]! ^= 1;
  p.client.receive(forged);
  const ev = p.client.nextEvent();
  assert.ok(ev?.type === 'failed' && hasCode(ev.error, 'DLMS_SECURITY_BAD_TAG'));
  assert.equal(p.clientEvents.length, 0, 'a forged frame raises no replay event');
});

test('a replayed server response is rejected by the client with DLMS_SECURITY_REPLAY', () => {
  const p = pair({ policy: 'authenticated', handler: meter() });
  associate(p);
  const first = p.server.receive(p.client.send({ type: 'get', attribute: ENERGY }));
  p.client.receive(first);
  assert.equal(p.client.nextEvent()?.type, 'response');
  p.client.send({ type: 'get', attribute: ENERGY });
  p.client.receive(first);
  const ev = p.client.nextEvent();
  assert.ok(ev?.type === 'failed' && hasCode(ev.error, 'DLMS_SECURITY_REPLAY'));
  assert.equal(p.clientEvents[0]?.type, 'dlms.security.replay-rejected');
});

test('property: random client event sequences only follow the table or throw typed errors', () => {
  const requests: ClientRequest[] = [
    { type: 'associate' }, { type: 'get', attribute: ENERGY }, { type: 'get', attribute: PROFILE }, { type: 'set', attribute: ENERGY, value: { type: 'double-long-unsigned', value: 1 } },
    { type: 'action', method: { classId: 70, logicalName: h('0000600300FF'), methodId: 1 } }, { type: 'release' },
  ];
  const states = Object.keys(CLIENT_TRANSITIONS) as ClientState[];
  fc.assert(fc.property(
    fc.constantFrom<SecurityPolicy>('none', 'authenticated-encrypted'),
    fc.array(fc.record({ req: fc.integer({ min: 0, max: requests.length - 1 }), deliver: fc.boolean(), garble: fc.boolean() }), { maxLength: 25 }),
    (policy, steps) => {
      const p = pair({ policy, handler: meter(), server: { maxPduSize: 4096 } });
      for (const s of steps) {
        const req = requests[s.req]!;
        const before = p.client.state;
        let out: Uint8Array;
        try {
          out = p.client.send(req);
        } catch (e) {
          assert.ok(hasCode(e, 'DLMS_ILLEGAL_STATE'));
          assert.equal(CLIENT_TRANSITIONS[before][req.type], undefined);
          assert.equal(p.client.state, before);
          continue;
        }
        assert.equal(p.client.state, CLIENT_TRANSITIONS[before][req.type]);
        if (!s.deliver) continue;
        let answer = p.server.receive(out);
        if (s.garble) answer = Uint8Array.from(answer.subarray(0, Math.max(1, answer.length - 3)));
        for (;;) {
          try {
            p.client.receive(answer);
          } catch (e) {
            assert.ok(hasCode(e, 'DLMS_ILLEGAL_STATE'));
          }
          assert.ok(states.includes(p.client.state));
          let next: Uint8Array | undefined;
          for (let ev = p.client.nextEvent(); ev !== undefined; ev = p.client.nextEvent()) {
            if (ev.type === 'transmit') next = ev.apdu;
            if (ev.type === 'failed') assert.ok(typeof ev.error.code === 'string' && ev.error.code.startsWith('DLMS_'));
          }
          if (next === undefined) break;
          answer = p.server.receive(next);
        }
      }
    },
  ), { numRuns: 150 });
});

test('general-glo-ciphering (0xDB) on both sides associates and reads', () => {
  const p = pair({ policy: 'authenticated-encrypted', mechanism: 'hls-gmac', handler: meter(), client: { generalGlo: true }, server: { generalGlo: true } });
  assert.equal(associate(p).type, 'associated');
  const r = exchange(p, { type: 'get', attribute: ENERGY });
  assert.ok(r.type === 'response' && 'data' in r);
  assert.equal(p.wire.at(-1)![0], 0xdb);
});

test('GET with list: one round trip for several attributes, per-item errors, and data blocks when the list is long', () => {
  for (const policy of ['none', 'authenticated-encrypted'] as const) {
    const seen: { access: AccessSelection | null }[] = [];
    const p = pair({ policy, handler: meter(seen), server: { maxPduSize: 512 } });
    associate(p);
    const access: AccessSelection = { selector: 2, entry: { fromEntry: 1, toEntry: 2, fromSelectedValue: 1, toSelectedValue: 0 } };
    let before = p.wire.length;
    const short = exchange(p, { type: 'get-list', items: [{ attribute: ENERGY }, { attribute: CLOCK_ATTR, access }] });
    assert.equal(p.wire.length - before, 1, 'one request');
    assert.ok(short.type === 'list-response' && short.blocks === 0, JSON.stringify(short));
    assert.deepEqual(short.results.map((r) => ('data' in r ? dataOf(r.data) : r)), [{ type: 'double-long-unsigned', value: 123456 }, { error: 'object-undefined' }]);
    assert.deepEqual(seen.at(-1)?.access, access);

    before = p.wire.length;
    const long = exchange(p, { type: 'get-list', items: [{ attribute: PROFILE }, { attribute: ENERGY }] });
    assert.ok(long.type === 'list-response' && long.blocks > 190, JSON.stringify({ ...long, results: undefined }));
    assert.equal(p.wire.length - before, long.blocks);
    const [profile, energy] = long.results.map((r) => ('data' in r ? dataOf(r.data) : r));
    assert.ok(profile && 'type' in profile && profile.type === 'octet-string');
    assert.deepEqual(profile.value, BIG);
    assert.deepEqual(energy, { type: 'double-long-unsigned', value: 123456 });
    assert.throws(() => p.client.send({ type: 'get-list', items: [] }), (e: unknown) => hasCode(e, 'DLMS_BAD_VALUE'));
    assert.equal(exchange(p, { type: 'release' }).type, 'released');
  }
});

test('GET with list: a response with the wrong number of results fails the client with a typed error', () => {
  const p = pair({ handler: meter() });
  associate(p);
  p.client.send({ type: 'get-list', items: [{ attribute: ENERGY }, { attribute: ENERGY }] });
  const answer = encodeApdu({ type: 'get-response', kind: 'with-list', invoke: { invokeId: 0, confirmed: true, highPriority: true }, results: [{ error: 'object-undefined' }] });
  p.client.receive(answer);
  const ev = p.client.nextEvent();
  assert.ok(ev?.type === 'failed' && ev.error.code === 'DLMS_BAD_APDU', JSON.stringify(ev));
  assert.match(ev.error.message, /1 result\(s\) for a GET with 2 attribute/);
});
