import { Rng } from '../src/sim/prng.ts';
import { DAY_S, QUALITY, type IntervalSeries, type Meter, type MeterEvent, type RegisterReading } from '../src/model/index.ts';
import { createFleet, FleetSimulator } from '../src/sim/index.ts';
import { decodeBlockInto, encodeBlock } from '../src/store/blocks/index.ts';
import { runVee, type VeeInput } from '../src/vee/index.ts';
import { type Bench, median, round } from './harness.ts';

const METERS = Number(process.env.BENCH_METERS ?? 100_000);
/** Distinct simulated meters; the fleet of METERS repeats them under new ids (simulating 100k meters × 29 days would take minutes). */
const DISTINCT = Math.min(METERS, Number(process.env.BENCH_DISTINCT ?? 1000));
const HISTORY_DAYS = 28;
const FIRST = Date.UTC(2026, 3, 6) / 1000;

/** Deterministic draws for where faults go (the simulator's generator). */
function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

interface Prepared {
  readonly inputs: VeeInput[];
  readonly blocks: Uint8Array[];
  readonly readings: number;
}

/**
 * The day to validate for METERS meters, each channel with its own arrays (as decoded from the
 * store), the 28 days before as history, the registers at both ends of the day and the day's events.
 * 2 % of the energy channel-days lose 1–16 intervals and 0.5 % get a spike, so estimation runs too.
 */
function prepare(): Prepared {
  const fleet = createFleet({ seed: 7, meters: DISTINCT });
  const sim = new FleetSimulator(fleet, { start: FIRST });
  const history = new Map<string, IntervalSeries[]>();
  const registers = new Map<string, RegisterReading[]>();
  let day: ReturnType<FleetSimulator['generateDay']> | undefined;
  for (let d = 0; d <= HISTORY_DAYS; d++) {
    const out = sim.generateDay(FIRST + d * DAY_S);
    if (d === HISTORY_DAYS) { day = out; break; }
    for (const s of out.series) {
      const k = `${s.meterId} ${s.channel}`;
      (history.get(k) ?? history.set(k, []).get(k)!).push(s);
    }
    if (d === HISTORY_DAYS - 1) for (const r of out.registers) registers.set(`${r.meterId} ${r.channel}`, [r]);
  }
  for (const r of day!.registers) registers.get(`${r.meterId} ${r.channel}`)?.push(r);
  const events = new Map<string, MeterEvent[]>();
  for (const e of day!.events) (events.get(e.meterId) ?? events.set(e.meterId, []).get(e.meterId)!).push(e);
  const bySim = new Map<string, IntervalSeries[]>();
  for (const s of day!.series) (bySim.get(s.meterId) ?? bySim.set(s.meterId, []).get(s.meterId)!).push(s);

  const rnd = prng(42);
  const inputs: VeeInput[] = [];
  const blocks: Uint8Array[] = [];
  let readings = 0;
  for (let m = 0; m < METERS; m++) {
    const base = fleet.meters[m % DISTINCT]!;
    const meter: Meter = { ...base, id: `VEE${String(m).padStart(6, '0')}` };
    for (const s of bySim.get(base.id) ?? []) {
      const values = s.values.slice();
      const quality = s.quality.slice();
      const energy = s.channel.includes(':1.8.') || s.channel.includes(':2.8.');
      if (energy && rnd() < 0.02) {
        const at = Math.floor(rnd() * 90);
        const len = 1 + Math.floor(rnd() * 16);
        for (let i = at; i < Math.min(96, at + len); i++) { values[i] = 0; quality[i] = QUALITY.N; }
      } else if (energy && rnd() < 0.005) {
        values[Math.floor(rnd() * 96)] = 50_000;
      }
      const series: IntervalSeries = { meterId: meter.id, channel: s.channel, start: s.start, intervalS: s.intervalS, values, quality };
      blocks.push(encodeBlock({ intervalS: s.intervalS, first: 0, values, quality }));
      readings += values.length;
      const key = `${base.id} ${s.channel}`;
      inputs.push({
        series, meter, history: history.get(key) ?? [],
        registers: (registers.get(key) ?? []).map((r) => ({ ...r, meterId: meter.id })),
        events: (events.get(base.id) ?? []).map((e) => ({ ...e, meterId: meter.id })),
      });
    }
  }
  return { inputs, blocks, readings };
}

/** Plain decoding of the same day's blocks into reused arrays: what reading the day from the store costs. */
function decodeAll(blocks: readonly Uint8Array[]): number {
  const values = new Float64Array(96);
  const quality = new Uint8Array(96);
  const reason = new Uint8Array(96);
  let n = 0;
  for (const b of blocks) n += decodeBlockInto(b, values, quality, reason, 0, 900).count;
  return n;
}

function veeAll(inputs: readonly VeeInput[]): { readings: number; estimated: number; findings: number } {
  let readings = 0;
  let estimated = 0;
  let findings = 0;
  for (const input of inputs) {
    const r = runVee(input);
    readings += r.series.values.length;
    for (const e of r.estimates) estimated += e.to - e.from;
    findings += r.findings.length;
  }
  return { readings, estimated, findings };
}

/**
 * Validation + estimation of one day of 15-minute data for 100,000 meters (every channel: import,
 * PV export, voltages), each with 28 days of history for the comparison rules, against plain
 * decoding of the same day's blocks in the same run.
 */
export const vee: Bench = {
  name: 'vee',
  async run() {
    const prep = prepare();
    const rounds = 3;
    const veeRates: number[] = [];
    const decodeRates: number[] = [];
    let last = { readings: 0, estimated: 0, findings: 0 };
    for (let k = 0; k < rounds; k++) {
      const t0 = process.hrtime.bigint();
      last = veeAll(prep.inputs);
      veeRates.push(last.readings / (Number(process.hrtime.bigint() - t0) / 1e9));
      const t1 = process.hrtime.bigint();
      const decoded = decodeAll(prep.blocks);
      decodeRates.push(decoded / (Number(process.hrtime.bigint() - t1) / 1e9));
    }
    const rate = median(veeRates);
    const decodeRate = median(decodeRates);
    return {
      name: 'vee',
      figures: {
        readings_per_s: Math.round(rate),
        ratio_vs_block_decode: round(rate / decodeRate, 3),
        channel_days: prep.inputs.length,
        estimated_intervals: last.estimated,
        findings: last.findings,
      },
      targets: { readings_per_s: '>= 5000000' },
      baseline: { block_decode_readings_per_s: Math.round(decodeRate) },
      notes: `${METERS.toLocaleString('en')} meters (${DISTINCT} distinct simulated ones repeated under new ids), ${prep.readings.toLocaleString('en')} readings of one day, ` +
        `each channel with ${HISTORY_DAYS} days of history, registers at both ends of the day and its events; 2 % of energy channel-days with a gap, 0.5 % with a spike. ` +
        `Median of ${rounds} rounds; the baseline decodes the same day's blocks (store codec) in the same rounds.`,
    };
  },
};
