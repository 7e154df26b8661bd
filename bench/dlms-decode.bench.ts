import { encodeData, d, utcToCosemDateTime, encodeDateTimeOctets } from '../src/protocols/dlms/axdr/index.ts';
import { decodeApdu, encodeApdu } from '../src/protocols/dlms/apdu/index.ts';
import { decodeWrapper, encodeWrapper } from '../src/protocols/dlms/framing/index.ts';
import { loadProfileToSeries } from '../src/protocols/dlms/to-canonical.ts';
import type { CaptureObject } from '../src/protocols/dlms/cosem/profile-generic.ts';
import { obis } from '../src/model/index.ts';
import { type Bench, median, round } from './harness.ts';

const ROWS = 96;
const DAY = Date.UTC(2026, 10, 25) / 1000;
const REGISTERS = ['1-0:1.8.0', '1-0:2.8.0', '1-0:3.8.0', '1-0:4.8.0'].map((c) => obis(c));
const CAPTURES: CaptureObject[] = [
  { classId: 8, logicalName: obis('0-0:1.0.0.255'), attributeIndex: 2, dataIndex: 0 },
  ...REGISTERS.map((logicalName) => ({ classId: 3, logicalName, attributeIndex: 2, dataIndex: 0 })),
];
const SCALER_UNITS = new Map(REGISTERS.map((r, i) => [r, { scaler: 0, unit: i < 2 ? 30 : 32 }]));

/** One GET-Response carrying a day of a 4-register load profile, inside a TCP wrapper PDU. */
function capture(): { pdu: Uint8Array; json: string } {
  const regs = [1_234_567, 45_678, 9_876, 5_432];
  const rows = [];
  const plain = [];
  for (let i = 1; i <= ROWS; i++) {
    const t = DAY + i * 900;
    regs[0]! += 100 + ((i * 37) % 250);
    regs[1]! += i > 36 && i < 68 ? (i * 13) % 300 : 0;
    regs[2]! += (i * 7) % 40;
    regs[3]! += (i * 5) % 30;
    rows.push(d.structure(d.octets(encodeDateTimeOctets(utcToCosemDateTime(t, { deviationMinutes: -60 }))), ...regs.map((v) => d.u32(v))));
    plain.push({ end: new Date(t * 1000).toISOString(), values: [...regs] });
  }
  const apdu = encodeApdu({ type: 'get-response', kind: 'normal', invoke: { invokeId: 1, confirmed: true, highPriority: true }, result: { data: encodeData(d.array(...rows)) } });
  return { pdu: encodeWrapper({ sourceWPort: 1, destinationWPort: 16, apdu }), json: JSON.stringify({ meter: 'M1', rows: plain }) };
}

function decodeToSeries(pdu: Uint8Array): number {
  const apdu = decodeApdu(decodeWrapper(pdu).apdu);
  if (apdu.type !== 'get-response' || apdu.kind !== 'normal' || !('data' in apdu.result)) throw new Error('not a GET-Response with data');
  const out = loadProfileToSeries({ meterId: 'M1', captureObjects: CAPTURES, capturePeriod: 900, scalerUnits: SCALER_UNITS, buffer: apdu.result.data });
  return out.series.length;
}

/** The same readings as JSON, parsed and turned into typed arrays: what "decoding" costs without DLMS. */
function jsonToColumns(text: string): number {
  const body = JSON.parse(text) as { rows: { end: string; values: number[] }[] };
  const cols = [new Float64Array(body.rows.length), ...REGISTERS.map(() => new Float64Array(body.rows.length))];
  body.rows.forEach((r, i) => {
    cols[0]![i] = Date.parse(r.end) / 1000;
    r.values.forEach((v, k) => { cols[k + 1]![i] = v; });
  });
  return cols.length;
}

function rate(fn: () => unknown, ms = 1000): number {
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms / 5) {
      for (let k = 0; k < 100; k++) fn();
      n += 100;
    }
    rates.push((n * 1000) / (performance.now() - t0));
  }
  return median(rates);
}

/** A wrapper-framed GET-Response with a 96-row load profile → canonical interval series. */
export const dlmsDecode: Bench = {
  name: 'dlms-decode',
  async run() {
    const { pdu, json } = capture();
    if (decodeToSeries(pdu) !== REGISTERS.length) throw new Error('expected one series per register');
    rate(() => decodeToSeries(pdu), 500); // warm-up
    const apdus = rate(() => decodeToSeries(pdu), 3000);
    const jsonRate = rate(() => jsonToColumns(json), 3000);
    return {
      name: 'dlms-decode',
      figures: { apdus_per_s: Math.round(apdus), ratio_vs_json_parse: round(apdus / jsonRate, 2), apdu_bytes: pdu.length },
      targets: { apdus_per_s: '>= 50000' },
      baseline: { json_parse_per_s: Math.round(jsonRate) },
      notes: `${pdu.length}-byte wrapper PDU: GET-Response with a ${ROWS}-row buffer {clock, 4 × double-long-unsigned} → wrapper, APDU, walker, 4 IntervalSeries (deltas, quality). Baseline: JSON.parse of the same readings (${json.length} bytes) into typed arrays.`,
    };
  },
};
