import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import { decodeHdlcFrame, type HdlcControl, type HdlcFrame } from './hdlc.ts';
import { HdlcLink, TRANSITIONS } from './hdlc-link.ts';

const client = { size: 1, upper: 16 } as const;
const server = { size: 2, upper: 1, lower: 17 } as const;
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const fromServer = (control: HdlcControl, info = new Uint8Array(0)): HdlcFrame =>
  ({ segmented: false, destination: client, source: server, control, info });

function connected(): HdlcLink {
  const link = new HdlcLink({ client, server });
  link.connect();
  link.receive(fromServer({ kind: 'UA', pf: true }, Uint8Array.of(0x81, 0x80, 0x00)));
  return link;
}

test('connect sends the dlms-cosem SNRM bytes and UA connects', () => {
  const link = new HdlcLink({ client, server });
  assert.equal(toHex(link.connect()), '7EA00802232193BD647E');
  assert.equal(link.state, 'connecting');
  link.receive(fromServer({ kind: 'UA', pf: true }, Uint8Array.of(0x81, 0x80, 0x00)));
  assert.equal(link.state, 'connected');
  assert.deepEqual(link.nextEvent(), { kind: 'connected', info: Uint8Array.of(0x81, 0x80, 0x00) });
  assert.equal(link.nextEvent(), undefined);
});

test('I-frames carry N(S)/N(R) modulo 8 (first one matches the dlms-cosem AARQ frame)', () => {
  const link = connected();
  const aarq = Buffer.from('E6E600601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFF', 'hex');
  assert.equal(toHex(link.sendInfo(aarq)),
    '7EA02C02232110AF9FE6E600601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFFC5E47E');
  for (let i = 1; i < 10; i++) {
    link.receive(fromServer({ kind: 'I', ns: (i - 1) & 7, nr: i & 7, pf: true }, Uint8Array.of(i)));
    const sent = decodeHdlcFrame(link.sendInfo(Uint8Array.of(i)));
    assert.deepEqual(sent.control, { kind: 'I', ns: i & 7, nr: i & 7, pf: true });
  }
  assert.equal(link.sendSequence, 10 & 7);
  assert.equal(link.receiveSequence, 9 & 7);
});

test('an out-of-sequence I-frame is DLMS_HDLC_BAD_FRAME', () => {
  const link = connected();
  assert.throws(() => link.receive(fromServer({ kind: 'I', ns: 3, nr: 0, pf: true })), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME'));
});

test('RR asks for the next segment with N(R)=V(R)', () => {
  const link = connected();
  link.nextEvent();
  link.receive({ ...fromServer({ kind: 'I', ns: 0, nr: 0, pf: false }, Uint8Array.of(1)), segmented: true });
  assert.deepEqual(decodeHdlcFrame(link.sendReady()).control, { kind: 'RR', nr: 1, pf: true });
  assert.equal(link.nextEvent()?.kind, 'info');
});

test('disconnect: DISC then UA (or DM) ends the link', () => {
  for (const kind of ['UA', 'DM'] as const) {
    const link = connected();
    assert.deepEqual(decodeHdlcFrame(link.disconnect()).control, { kind: 'DISC', pf: true });
    assert.equal(link.state, 'disconnecting');
    link.receive(fromServer({ kind, pf: true }));
    assert.equal(link.state, 'disconnected');
  }
});

test('illegal events throw DLMS_ILLEGAL_STATE naming state and event', () => {
  const link = new HdlcLink({ client, server });
  assert.throws(() => link.sendInfo(Uint8Array.of(1)), (e) =>
    hasCode(e, 'DLMS_ILLEGAL_STATE') && /sendInfo/.test(e.message) && /disconnected/.test(e.message)
    && e.details?.['state'] === 'disconnected' && e.details?.['event'] === 'sendInfo');
  link.connect();
  assert.throws(() => link.connect(), (e) => hasCode(e, 'DLMS_ILLEGAL_STATE'));
  assert.throws(() => link.receive(fromServer({ kind: 'SNRM', pf: true })), (e) => hasCode(e, 'DLMS_ILLEGAL_STATE'));
});

test('a frame that cannot be encoded leaves the state unchanged', () => {
  const link = new HdlcLink({ client, server });
  assert.throws(() => link.connect(new Uint8Array(3000)), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG'));
  assert.equal(link.state, 'disconnected');
});

test('the transition table covers every state and only names known states', () => {
  const states = Object.keys(TRANSITIONS);
  assert.deepEqual(states.sort(), ['connected', 'connecting', 'disconnected', 'disconnecting']);
  for (const row of Object.values(TRANSITIONS)) for (const to of Object.values(row)) assert.ok(states.includes(to));
});
