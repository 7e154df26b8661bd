import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { DAY_S, obis, obisToBytes, type Obis } from '../../model/index.ts';
import type { AttributeDescriptor } from '../../protocols/dlms/apdu/common.ts';
import type { AccessSelection } from '../../protocols/dlms/apdu/selective-access.ts';
import { cosemDateTimeToUtc, decodeDateTimeOctets, encodeData, encodeDateTimeOctets, utcToCosemDateTime, d, type DlmsData } from '../../protocols/dlms/axdr/index.ts';
import { parseCaptureObjects, walkProfileBuffer } from '../../protocols/dlms/cosem/profile-generic.ts';
import { SoftwareKeyStore } from '../../protocols/dlms/security/keystore.ts';
import { OBIS_EXPORT, OBIS_IMPORT, OBIS_VOLTAGE } from '../channels.ts';
import { createFleet } from '../fleet.ts';
import { FleetSimulator } from '../simulator.ts';
import { FleetDataSource } from './data-source.ts';
import { fleetKeyStoreData, meterDrift, meterKeys } from './keys.ts';
import { createMeterObjects, isGetError, LN, type GetResult, type MeterObjects } from './meter-objects.ts';

const DAY0 = Date.UTC(2026, 2, 27) / 1000; // spans the spring DST change of 2026-03-29
const ZONE = 'Europe/Amsterdam';
const fleet = createFleet({ seed: 11, meters: 60 });
const source = new FleetDataSource(fleet, { start: DAY0 });
const pvIndex = fleet.profiles.findIndex((p) => p.pv !== null);
const pvMeter = fleet.profiles[pvIndex]!.meterId;

function meterAt(meterId: string, now: number, extra: Partial<Parameters<typeof createMeterObjects>[0]> = {}): { objs: MeterObjects; setNow: (t: number) => void } {
  let t = now;
  const objs = createMeterObjects({ source, meterId, clock: () => t, ...extra });
  return { objs, setNow: (x) => { t = x; } };
}

const attr = (classId: number, ln: Obis, attributeId: number): AttributeDescriptor => ({ classId, logicalName: obisToBytes(ln), attributeId });

function data(r: GetResult): DlmsData {
  if (isGetError(r)) assert.fail(`GET failed: ${r.error}`);
  return r;
}

function rangeAccess(from: number, to: number, selected: readonly { classId: number; ln: Obis; attr: number }[] = []): AccessSelection {
  const dt = (t: number): DlmsData => d.octets(encodeDateTimeOctets(utcToCosemDateTime(t, { zone: ZONE })));
  return {
    selector: 1,
    range: {
      restrictingObject: { classId: 8, logicalName: obisToBytes(LN.clock), attributeId: 2, dataIndex: 0 },
      from: dt(from),
      to: dt(to),
      selectedValues: selected.map((s) => ({ classId: s.classId, logicalName: obisToBytes(s.ln), attributeId: s.attr, dataIndex: 0 })),
    },
  };
}

/** Decode a buffer the way the head-end does: encode, then walk with the capture objects the meter reports. */
function walk(objs: MeterObjects, ln: Obis, buffer: GetResult) {
  const captures = parseCaptureObjects(data(objs.get(attr(7, ln, 3))));
  return walkProfileBuffer(encodeData(data(buffer)), captures);
}

/** Elements of an array or structure. */
function items(v: DlmsData | undefined): readonly DlmsData[] {
  if (v?.type !== 'array' && v?.type !== 'structure') assert.fail(`expected an array or structure, got ${v?.type}`);
  return v.value;
}
function num(v: DlmsData | undefined): number {
  if (v === undefined || !('value' in v) || typeof v.value !== 'number') assert.fail(`expected a number, got ${v?.type}`);
  return v.value;
}
function octets(v: DlmsData | undefined): Uint8Array {
  if (v?.type !== 'octet-string') assert.fail(`expected an octet-string, got ${v?.type}`);
  return v.value;
}
const rowsOf = (v: GetResult): DlmsData[][] => items(data(v)).map((r) => [...items(r)]);

function clockValue(objs: MeterObjects): number {
  return cosemDateTimeToUtc(decodeDateTimeOctets(octets(data(objs.get(attr(8, LN.clock, 2))))));
}

test('every attribute in the association object list answers with Data that encodes', () => {
  const { objs } = meterAt(pvMeter, DAY0 + 2 * DAY_S + 1234);
  const list = data(objs.get(attr(15, LN.association, 2)));
  assert.equal(list.type, 'array');
  encodeData(list);
  const seen = new Set<string>();
  for (const entry of items(list)) {
    const [classId, , ln, rights] = items(entry);
    const logicalName = octets(ln);
    for (const a of items(items(rights)[0])) {
      const id = num(items(a)[0]);
      const r = objs.get({ classId: num(classId), logicalName, attributeId: id });
      assert.ok(!isGetError(r), `class ${num(classId)} ${Buffer.from(logicalName).toString('hex')} attr ${id}: ${JSON.stringify(r)}`);
      assert.ok(encodeData(r).length > 0);
    }
    seen.add(Buffer.from(logicalName).toString('hex'));
  }
  for (const ln of [LN.clock, LN.serial, LN.importWh, LN.exportWh, LN.voltage[0]!, LN.loadProfile, LN.eventLog, LN.disconnect, LN.association, LN.securitySetup]) {
    assert.ok(seen.has(Buffer.from(obisToBytes(ln)).toString('hex')), `object list lacks ${ln}`);
  }
  assert.deepEqual(data(objs.get(attr(1, LN.serial, 2))), d.octets(Uint8Array.from(Buffer.from(pvMeter))));
  assert.deepEqual(data(objs.get(attr(3, LN.importWh, 3))), d.structure(d.i8(0), d.enum(30)));
  assert.deepEqual(data(objs.get(attr(3, LN.voltage[0]!, 3))), d.structure(d.i8(-1), d.enum(35)));
  assert.deepEqual(data(objs.get(attr(7, LN.loadProfile, 4))), d.u32(900));
  assert.deepEqual(data(objs.get(attr(8, LN.clock, 3))), d.i16(-60));
  assert.deepEqual(data(objs.get(attr(8, LN.clock, 9))), d.enum(1));
});

test('a load-profile range read of one day reproduces the simulator\'s intervals and registers exactly', () => {
  const sim = new FleetSimulator(fleet, { start: DAY0 });
  const days = [...sim.days(DAY0, 3)];
  const { objs } = meterAt(pvMeter, DAY0 + 3 * DAY_S + 600);
  for (let k = 0; k < 3; k++) {
    const dayStart = DAY0 + k * DAY_S;
    const w = walk(objs, LN.loadProfile, objs.get(attr(7, LN.loadProfile, 2), rangeAccess(dayStart, dayStart + DAY_S)));
    assert.equal(w.rows, 97, 'from and to are inclusive: 00:00 … 24:00');
    const [times, imp, exp] = w.columns as [Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < 97; i++) assert.equal(times[i], dayStart + i * 900);
    const series = (ch: Obis) => days[k]!.series.find((s) => s.meterId === pvMeter && s.channel === ch)!.values;
    for (let i = 0; i < 96; i++) {
      assert.equal(imp[i + 1]! - imp[i]!, series(OBIS_IMPORT)[i], `import interval ${i} of day ${k}`);
      assert.equal(exp[i + 1]! - exp[i]!, series(OBIS_EXPORT)[i], `export interval ${i} of day ${k}`);
    }
    const reg = (ch: Obis) => days[k]!.registers.find((r) => r.meterId === pvMeter && r.channel === ch && r.at === dayStart + DAY_S)!.value;
    assert.equal(imp[96], reg(OBIS_IMPORT));
    assert.equal(exp[96], reg(OBIS_EXPORT));
    // From one second past midnight: the 96 interval ends of the day.
    assert.equal(walk(objs, LN.loadProfile, objs.get(attr(7, LN.loadProfile, 2), rangeAccess(dayStart + 1, dayStart + DAY_S))).rows, 96);
  }
  // The register objects agree with the simulator at the grid and count on inside an interval.
  const { objs: atEnd, setNow } = meterAt(pvMeter, DAY0 + 3 * DAY_S);
  const endReg = days[2]!.registers.find((r) => r.meterId === pvMeter && r.channel === OBIS_IMPORT && r.at === DAY0 + 3 * DAY_S)!.value;
  assert.deepEqual(data(atEnd.get(attr(3, LN.importWh, 2))), d.u32(endReg));
  setNow(DAY0 + 3 * DAY_S + 899);
  const mid = num(data(atEnd.get(attr(3, LN.importWh, 2))));
  assert.ok(mid >= endReg && mid <= endReg + source.interval(pvIndex, DAY0 + 3 * DAY_S + 900).imp);
  // Voltage: the simulated interval mean in 0.1 V.
  setNow(DAY0 + DAY_S + 450);
  const v = days[1]!.series.find((s) => s.meterId === pvMeter && s.channel === OBIS_VOLTAGE[0])!.values[0]!;
  assert.deepEqual(data(atEnd.get(attr(3, LN.voltage[0]!, 2))), d.u16(v / 100));
});

test('the load profile holds the captures since commissioning, and entry and column selection slice it', () => {
  const { objs } = meterAt(pvMeter, DAY0 + 2 * 3600 + 5);
  assert.deepEqual(data(objs.get(attr(7, LN.loadProfile, 7))), d.u32(9), '00:00 … 02:00');
  const all = rowsOf(objs.get(attr(7, LN.loadProfile, 2)));
  assert.equal(all.length, 9);
  const entry = (fromEntry: number, toEntry: number, fromSelectedValue: number, toSelectedValue: number): AccessSelection =>
    ({ selector: 2, entry: { fromEntry, toEntry, fromSelectedValue, toSelectedValue } });
  assert.deepEqual(rowsOf(objs.get(attr(7, LN.loadProfile, 2), entry(2, 4, 2, 3))), all.slice(1, 4).map((r) => r.slice(1, 3)));
  assert.deepEqual(rowsOf(objs.get(attr(7, LN.loadProfile, 2), entry(7, 0, 1, 0))), all.slice(6));
  assert.deepEqual(data(objs.get(attr(7, LN.loadProfile, 2), entry(20, 0, 1, 0))), d.array());
  // Range with selected columns: only the import register.
  const imp = rowsOf(objs.get(attr(7, LN.loadProfile, 2), rangeAccess(DAY0, DAY0 + 3600, [{ classId: 3, ln: LN.importWh, attr: 2 }])));
  assert.deepEqual(imp, all.slice(0, 5).map((r) => [r[1]]));
  // A small capacity keeps the newest entries.
  const small = meterAt(pvMeter, DAY0 + DAY_S, { profileEntries: 10 }).objs;
  const w = walk(small, LN.loadProfile, small.get(attr(7, LN.loadProfile, 2)));
  assert.equal(w.rows, 10);
  assert.equal(w.columns[0]![9], DAY0 + DAY_S);
  // A meter without PV captures no export column.
  const noPv = fleet.profiles.find((p) => p.pv === null)!.meterId;
  assert.equal(items(data(meterAt(noPv, DAY0 + DAY_S).objs.get(attr(7, LN.loadProfile, 3)))).length, 2);
});

test('the standard event log holds the power down and up events at the simulator\'s outage times', () => {
  // Find the first outage at any meter within a year of commissioning.
  let found: { m: number; day: number } | undefined;
  for (let day = 0; day < 365 && !found; day++) {
    const t0 = DAY0 + day * DAY_S;
    for (let m = 0; m < fleet.profiles.length && !found; m++) if (source.events(m, t0, t0 + DAY_S).length > 0) found = { m, day };
  }
  assert.ok(found, 'no outage in a year: choose another seed');
  const meterId = fleet.profiles[found.m]!.meterId;
  const dayStart = DAY0 + found.day * DAY_S;
  const sim = new FleetSimulator(fleet, { start: dayStart });
  const simEvents = sim.generateDay(dayStart).events.filter((e) => e.meterId === meterId);
  assert.ok(simEvents.length > 0);
  const { objs } = meterAt(meterId, dayStart + 2 * DAY_S);
  const w = walk(objs, LN.eventLog, objs.get(attr(7, LN.eventLog, 2), rangeAccess(dayStart, dayStart + DAY_S)));
  assert.deepEqual([...w.columns[0]!], simEvents.map((e) => e.at));
  assert.deepEqual([...w.columns[1]!], simEvents.map((e) => e.code));
  assert.ok(simEvents.some((e) => e.code === 1) && simEvents.every((e) => e.code === 1 || e.code === 2));
  const inUse = num(data(objs.get(attr(7, LN.eventLog, 7))));
  assert.ok(inUse >= simEvents.length);
  const last = source.events(found.m, DAY0, dayStart + 2 * DAY_S).at(-1)!;
  assert.deepEqual(data(objs.get(attr(1, LN.eventCode, 2))), d.u8(last.code));
});

test('remote disconnect and reconnect change the output and control state', () => {
  const { objs } = meterAt(pvMeter, DAY0 + 100);
  const dc = { classId: 70, logicalName: obisToBytes(LN.disconnect) };
  const state = () => [data(objs.get({ ...dc, attributeId: 2 })), data(objs.get({ ...dc, attributeId: 3 }))];
  assert.deepEqual(state(), [d.boolean(true), d.enum(1)]);
  assert.equal(objs.action({ ...dc, methodId: 1 }, d.i8(0)).result, 'success');
  assert.deepEqual(state(), [d.boolean(false), d.enum(0)]);
  assert.equal(objs.action({ ...dc, methodId: 2 }, d.i8(0)).result, 'success');
  assert.deepEqual(state(), [d.boolean(true), d.enum(1)]);
  assert.equal(objs.action({ ...dc, methodId: 1 }, d.visible('x')).result, 'type-unmatched');
  assert.equal(objs.action({ ...dc, methodId: 3 }).result, 'object-unavailable');
  assert.equal(objs.set({ ...dc, attributeId: 2 }, d.boolean(false)), 'read-write-denied');
});

test('the clock drifts as specified; SET of the time and the adjust methods correct it', () => {
  const drift = { ppm: 20, offsetS: 5 };
  const t1 = DAY0 + DAY_S;
  const { objs, setNow } = meterAt(pvMeter, t1, { drift });
  assert.ok(Math.abs(clockValue(objs) - (t1 + 5 + DAY_S * 20e-6)) < 0.011);
  // Summer time after 2026-03-29: deviation −120 and the DST bit.
  setNow(DAY0 + 5 * DAY_S);
  const summer = decodeDateTimeOctets(octets(data(objs.get(attr(8, LN.clock, 2)))));
  assert.equal(summer.deviation, -120);
  assert.equal(summer.clockStatus! & 0x80, 0x80);
  assert.deepEqual(data(objs.get(attr(8, LN.clock, 4))), d.u8(0x80));
  // SET to the true time: right now, then drifting on at the same rate from there.
  const now = DAY0 + 5 * DAY_S;
  assert.equal(objs.set(attr(8, LN.clock, 2), d.octets(encodeDateTimeOctets(utcToCosemDateTime(now, { zone: ZONE })))), 'success');
  assert.ok(Math.abs(clockValue(objs) - now) < 0.011);
  setNow(now + DAY_S);
  assert.ok(Math.abs(objs.meterTime() - (now + DAY_S + 1.728)) < 1e-6);
  // adjust_to_minute (method 3) rounds to the nearest minute; shift_time (method 6) moves by seconds.
  const clk = { classId: 8, logicalName: obisToBytes(LN.clock) };
  setNow(now + DAY_S + 20);
  assert.equal(objs.action({ ...clk, methodId: 3 }).result, 'success');
  assert.equal(objs.meterTime(), now + DAY_S);
  assert.equal(objs.action({ ...clk, methodId: 6 }, d.i16(-30)).result, 'success');
  assert.equal(objs.meterTime(), now + DAY_S - 30);
  assert.equal(objs.action({ ...clk, methodId: 6 }, d.i16(901)).result, 'other-reason');
  assert.equal(objs.set(attr(8, LN.clock, 2), d.u32(5)), 'type-unmatched');
  assert.equal(objs.set(attr(8, LN.clock, 3), d.i16(0)), 'read-write-denied');
  // The default drift is the meter's own, deterministic and small.
  const a = meterDrift(fleet.seed, 3);
  assert.deepEqual(a, meterDrift(fleet.seed, 3));
  assert.notDeepEqual(a, meterDrift(fleet.seed, 4));
  assert.ok(Math.abs(a.ppm) <= 25 && Math.abs(a.offsetS) <= 20);
  const { objs: own } = meterAt(fleet.profiles[3]!.meterId, DAY0);
  assert.ok(Math.abs(clockValue(own) - (DAY0 + a.offsetS)) < 0.011);
});

test('unknown objects, other classes, missing attributes and unsupported access are refused with their codes', () => {
  const { objs } = meterAt(pvMeter, DAY0 + 3600);
  assert.deepEqual(objs.get(attr(1, obis('0-0:96.99.9.255'), 2)), { error: 'object-undefined' });
  assert.deepEqual(objs.get({ classId: 1, logicalName: new Uint8Array(3), attributeId: 2 }), { error: 'object-undefined' });
  assert.deepEqual(objs.get(attr(1, LN.importWh, 2)), { error: 'object-class-inconsistent' });
  assert.deepEqual(objs.get(attr(3, LN.importWh, 9)), { error: 'object-unavailable' });
  assert.deepEqual(objs.get(attr(3, LN.importWh, 2), rangeAccess(DAY0, DAY0 + 900)), { error: 'scope-of-access-violated' });
  const range = (rangeAccess(DAY0, DAY0 + 900) as Extract<AccessSelection, { selector: 1 }>).range;
  const other: AccessSelection = { selector: 1, range: { ...range, restrictingObject: { classId: 3, logicalName: obisToBytes(LN.importWh), attributeId: 2, dataIndex: 0 } } };
  assert.deepEqual(objs.get(attr(7, LN.loadProfile, 2), other), { error: 'scope-of-access-violated' });
  assert.deepEqual(objs.get(attr(7, LN.loadProfile, 2), { selector: 3, parameters: d.null() }), { error: 'scope-of-access-violated' });
  const badTo: AccessSelection = { selector: 1, range: { ...range, from: d.u32(0), to: d.u32(1) } };
  assert.deepEqual(objs.get(attr(7, LN.loadProfile, 2), badTo), { error: 'type-unmatched' });
  assert.equal(objs.set(attr(1, obis('0-0:96.99.9.255'), 2), d.u8(1)), 'object-undefined');
  assert.equal(objs.action({ classId: 70, logicalName: obisToBytes(obis('0-0:96.99.9.255')), methodId: 1 }).result, 'object-undefined');
  assert.equal(objs.action({ classId: 3, logicalName: obisToBytes(LN.importWh), methodId: 1 }).result, 'read-write-denied');
});

test('meter keys are deterministic, distinct per meter, redacted, and load into the software keystore', async () => {
  const a = meterKeys(fleet.seed, 'SIM000001');
  const b = meterKeys(11, 'SIM000001');
  const c = meterKeys(fleet.seed, 'SIM000002');
  assert.ok(a.ek.equals(b.ek) && a.ak.equals(b.ak) && a.kek.equals(b.kek));
  assert.ok(!a.ek.equals(c.ek) && !a.ak.equals(c.ak) && !a.ek.equals(a.ak));
  assert.ok(!a.ek.equals(meterKeys(12, 'SIM000001').ek));
  assert.equal(Buffer.from(a.systemTitle).toString('hex').toUpperCase(), '4D534B0000000000');
  assert.equal(Buffer.from(c.systemTitle).toString('hex').toUpperCase(), '4D534B0000000001');
  const secretHex = Buffer.from(a.ek.bytes()).toString('hex');
  for (const text of [JSON.stringify(a), String(a.ek), inspect(a, { depth: 5 })]) {
    assert.ok(!text.toLowerCase().includes(secretHex), 'a key leaked into text');
  }
  assert.throws(() => meterKeys(1, 'X1'), RangeError);

  const small = createFleet({ seed: 11, meters: 5 });
  const store = SoftwareKeyStore.fromJSON(JSON.parse(JSON.stringify(fleetKeyStoreData(small))));
  const k = await store.keysFor({ systemTitle: meterKeys(small.seed, 'SIM000004').systemTitle });
  assert.equal(k.meterId, 'SIM000004');
  assert.ok((await store.exportKey(k.ek)).equals(meterKeys(small.seed, 'SIM000004').ek));
  assert.ok((await store.exportKey(k.ak)).equals(meterKeys(small.seed, 'SIM000004').ak));
  // The security setup reports the same system title.
  const { objs } = meterAt('SIM000004', DAY0);
  assert.deepEqual(data(objs.get(attr(64, LN.securitySetup, 5))), d.octets(meterKeys(fleet.seed, 'SIM000004').systemTitle));
});
