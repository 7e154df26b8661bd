import { readFileSync } from 'node:fs';
import { DAY_S, localDateStart, QUALITY } from '../src/model/index.ts';
import { parseTariff } from '../src/services/index.ts';
import { buildGrid } from '../src/services/tariffs/calendar.ts';
import { priceBill } from '../src/services/tariffs/charges.ts';
import { determinants } from '../src/services/tariffs/determinants.ts';
import { createFleet, FleetSimulator, OBIS_IMPORT } from '../src/sim/index.ts';
import { decodeBlockInto, encodeBlock } from '../src/store/blocks/index.ts';
import { type Bench, median, round } from './harness.ts';

const METERS = Number(process.env.BENCH_METERS ?? 100_000);
/** Distinct simulated meters; the fleet of METERS repeats their blocks under new ids (simulating 100k meters × 31 days would take minutes). */
const DISTINCT = Math.min(METERS, Number(process.env.BENCH_DISTINCT ?? 500));
const ZONE = 'Europe/Amsterdam';
const FROM_DATE = '2026-06-01';
const TO_DATE = '2026-07-01';

interface Prepared {
  /** Per distinct meter: the UTC day blocks of its import channel overlapping the bill month, and where each lands. */
  readonly blocks: readonly { bytes: Uint8Array; base: number }[][];
  readonly n: number;
}

/** The blocks the store holds for June in Amsterdam: 31 UTC days (the local month starts 22:00 UTC on 31 May). */
function prepare(from: number, to: number): Prepared {
  const fleet = createFleet({ seed: 11, meters: DISTINCT });
  const firstDay = Math.floor(from / DAY_S) * DAY_S;
  const sim = new FleetSimulator(fleet, { start: firstDay });
  const blocks: { bytes: Uint8Array; base: number }[][] = fleet.meters.map(() => []);
  const index = new Map(fleet.meters.map((m, i) => [m.id, i]));
  for (let day = firstDay; day < to; day += DAY_S) {
    for (const s of sim.generateDay(day).series) {
      if (s.channel !== OBIS_IMPORT) continue;
      blocks[index.get(s.meterId)!]!.push({ bytes: encodeBlock({ intervalS: 900, first: 0, values: s.values, quality: s.quality }), base: (day - from) / 900 });
    }
  }
  return { blocks, n: (to - from) / 900 };
}

/**
 * TOU billing determinants (and the priced lines) for 100,000 meters × one month of 15-minute
 * data, from the store's day blocks, against plain decoding of the same blocks in the same run.
 */
export const billingRun: Bench = {
  name: 'billing-run',
  async run() {
    const tariff = parseTariff(JSON.parse(readFileSync(new URL('../examples/tariffs/nl-dubbel-2026.json', import.meta.url), 'utf8')));
    const from = localDateStart(FROM_DATE, ZONE);
    const to = localDateStart(TO_DATE, ZONE);
    const prep = prepare(from, to);
    const grid = buildGrid([{ version: 1, tariff }], ZONE, from, to);
    const values = new Float64Array(prep.n);
    const quality = new Uint8Array(prep.n);
    const reason = new Uint8Array(prep.n);
    const empty = new Map<string, never>();

    const decodeMeter = (m: number): void => {
      quality.fill(QUALITY.N);
      for (const b of prep.blocks[m % DISTINCT]!) decodeBlockInto(b.bytes, values, quality, reason, b.base, 900);
    };
    const decodeOnly = (): number => {
      let sum = 0;
      for (let m = 0; m < METERS; m++) {
        decodeMeter(m);
        sum += values[m % prep.n]!;
      }
      return sum;
    };
    const imp = { values, quality };
    let kwh = 0;
    const bill = (): void => {
      kwh = 0;
      for (let m = 0; m < METERS; m++) {
        decodeMeter(m);
        const det = determinants(grid, imp);
        kwh += (det.import.wh[0]! + det.import.wh[1]!) / 1000;
      }
    };
    // Pricing builds each line's document (amounts, rates, explanations): measured on a slice of the fleet.
    const PRICED = Math.min(METERS, 10_000);
    let amount = 0;
    const price = (): void => {
      amount = 0;
      for (let m = 0; m < PRICED; m++) {
        decodeMeter(m);
        for (const l of priceBill(grid, determinants(grid, imp), { imp, prices: empty, capacityHistory: empty, capacityExempt: false })) amount += l.amount;
      }
    };
    const rounds = 3;
    const billRates: number[] = [];
    const decodeRates: number[] = [];
    const pricedRates: number[] = [];
    const intervals = METERS * prep.n;
    for (let k = 0; k < rounds; k++) {
      const t0 = process.hrtime.bigint();
      decodeOnly();
      decodeRates.push(intervals / (Number(process.hrtime.bigint() - t0) / 1e9));
      const t1 = process.hrtime.bigint();
      bill();
      billRates.push(intervals / (Number(process.hrtime.bigint() - t1) / 1e9));
      const t2 = process.hrtime.bigint();
      price();
      pricedRates.push(PRICED / (Number(process.hrtime.bigint() - t2) / 1e9));
    }
    const rate = median(billRates);
    const decodeRate = median(decodeRates);
    return {
      name: 'billing-run',
      figures: {
        intervals_per_s: Math.round(rate),
        ratio_vs_decode: round(rate / decodeRate, 3),
        seconds_per_run: round(intervals / rate, 2),
        priced_bills_per_s: Math.round(median(pricedRates)),
        intervals,
        meters: METERS,
      },
      targets: { intervals_per_s: '>= 20000000' },
      baseline: { decode_intervals_per_s: Math.round(decodeRate) },
      notes: `${METERS.toLocaleString('en')} meters (${DISTINCT} distinct simulated ones repeated) × June 2026 in ${ZONE} (${prep.n} quarter-hours), ` +
        `TOU determinants of ${tariff.id} per meter from the store's day blocks (${Math.round(kwh).toLocaleString('en')} kWh); median of ${rounds} rounds; ` +
        `the baseline decodes the same blocks into the same arrays. priced_bills_per_s: decode + determinants + every priced line with its explanation, ` +
        `for ${PRICED.toLocaleString('en')} meters (${(amount / 1e6).toFixed(2)} EUR).`,
    };
  },
};
