// Worked examples: one per tariff type, amounts checked by hand (the arithmetic is in each
// comment), over DST days in four zones, a leap year, a tariff change and a holiday on a weekend.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { localDateStart, QUALITY, type EpochSeconds } from '../../model/index.ts';
import { buildGrid, type VersionedTariff } from './calendar.ts';
import { priceBill, type BillLine } from './charges.ts';
import { determinants, type GridSeries } from './determinants.ts';
import { formatMicro } from './money.ts';
import { parseTariff, type Tariff } from './tariff.model.ts';

const example = (file: string): Tariff => parseTariff(JSON.parse(readFileSync(new URL(`../../../examples/tariffs/${file}`, import.meta.url), 'utf8')));

interface Run {
  lines: BillLine[];
  n: number;
  total: string;
  byName: (charge: string, period?: string) => BillLine;
}

function bill(versions: Tariff[] | Tariff, zone: string, fromDate: string, toDate: string, opts: {
  imp: (t: EpochSeconds, localMinute: number) => number;
  exp?: (t: EpochSeconds, localMinute: number) => number;
  prices?: Record<string, (t: EpochSeconds) => number>;
  history?: Record<string, number>;
  exempt?: boolean;
}): Run {
  const list: VersionedTariff[] = (Array.isArray(versions) ? versions : [versions]).map((tariff, i) => ({ version: i + 1, tariff }));
  const from = localDateStart(fromDate, zone);
  const to = localDateStart(toDate, zone);
  const grid = buildGrid(list, zone, from, to, 900);
  const series = (f: (t: number, m: number) => number): GridSeries => {
    const values = new Float64Array(grid.n);
    for (let i = 0; i < grid.n; i++) {
      const t = from + i * 900;
      const local = new Date(t * 1000).toLocaleString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false });
      const [hh, mm] = local.split(':').map(Number) as [number, number];
      values[i] = f(t, (hh % 24) * 60 + mm);
    }
    return { values, quality: new Uint8Array(grid.n).fill(QUALITY.A) };
  };
  const imp = series(opts.imp);
  const exp = opts.exp ? series(opts.exp) : undefined;
  const det = determinants(grid, imp, exp);
  const prices = new Map(Object.entries(opts.prices ?? {}).map(([feed, f]) => {
    const a = new Float64Array(grid.n);
    for (let i = 0; i < grid.n; i++) a[i] = f(from + i * 900);
    return [feed, a] as const;
  }));
  const lines = priceBill(grid, det, {
    imp, ...(exp ? { exp } : {}), prices, capacityHistory: new Map(Object.entries(opts.history ?? {})), capacityExempt: opts.exempt ?? false,
  });
  const total = formatMicro(lines.reduce((a, l) => a + l.amount, 0));
  return {
    lines, n: grid.n, total,
    byName: (charge, period) => {
      const l = lines.find((x) => x.charge === charge && (period === undefined || x.period === period));
      assert.ok(l, `no line ${charge} ${period ?? ''}`);
      return l;
    },
  };
}

const money = (l: BillLine): string => formatMicro(l.amount);

test('NL double tariff over the spring-forward week (Europe/Amsterdam, 668 quarter-hours)', () => {
  // 2026-03-23 (Mon) .. 2026-03-30: 6 × 96 + 92 = 668 quarter-hours at 250 Wh = 167 kWh.
  // Normal: Mon–Fri 07:00–23:00 = 64 × 5 = 320 quarter-hours = 80 kWh; off-peak 87 kWh.
  const r = bill(example('nl-dubbel-2026.json'), 'Europe/Amsterdam', '2026-03-23', '2026-03-30', { imp: () => 250 });
  assert.equal(r.n, 668);
  assert.equal(r.byName('Supply', 'normaal').quantity, '80.000');
  assert.equal(r.byName('Supply', 'dal').quantity, '87.000');
  assert.equal(money(r.byName('Supply', 'normaal')), '21.20'); // 80 × 0.2650
  assert.equal(money(r.byName('Supply', 'dal')), '20.79'); // 87 × 0.2390 = 20.793
  assert.equal(money(r.byName('Energy tax')), '16.96'); // 167 × 0.10154 = 16.95718
  assert.equal(money(r.byName('Grid connection and fixed supply')), '7.88'); // 7 × 1.125 = 7.875, half away from zero
  assert.equal(money(r.byName('VAT 21%')), '14.03'); // 21 % of 66.83 = 14.0343
  assert.equal(r.total, '80.86');
  assert.equal(r.lines.some((l) => l.type === 'export'), false, 'no export channel, no export line');
});

test('NL net metering: export offsets import in the same period, the surplus is credited', () => {
  // One Saturday (all off-peak): import 100 Wh, export 300 Wh per quarter-hour in 10:00–16:00 (24 quarter-hours).
  // Import 9.6 kWh, export 7.2 kWh → charged 2.4 kWh off-peak, no surplus.
  const r = bill(example('nl-dubbel-2026.json'), 'Europe/Amsterdam', '2026-06-06', '2026-06-07', {
    imp: () => 100, exp: (_t, m) => (m >= 600 && m < 960 ? 300 : 0),
  });
  assert.equal(r.byName('Supply', 'dal').quantity, '2.400');
  assert.equal(r.byName('Supply', 'normaal').quantity, '0.000');
  assert.equal(r.byName('Feed-in surplus').quantity, '0.000');
  // Export 1,000 Wh per quarter-hour in the same window: 24 kWh export vs 9.6 import → 14.4 kWh surplus credited.
  const s = bill(example('nl-dubbel-2026.json'), 'Europe/Amsterdam', '2026-06-06', '2026-06-07', {
    imp: () => 100, exp: (_t, m) => (m >= 600 && m < 960 ? 1000 : 0),
  });
  assert.equal(s.byName('Supply', 'dal').quantity, '0.000');
  assert.equal(s.byName('Feed-in surplus').quantity, '14.400');
  assert.equal(money(s.byName('Feed-in surplus')), '-1.01'); // 14.4 × 0.07 = 1.008
});

test('Economy 7 is quoted in GMT: in BST the night rate runs 01:30–08:30 local (Europe/London)', () => {
  // 2026-07-01: 100 Wh every quarter-hour plus 900 Wh extra at 08:00–08:15 BST (= 07:00 GMT, night).
  // Night: 28 quarter-hours × 100 + 900 = 3.7 kWh; day: 68 × 100 = 6.8 kWh.
  const r = bill(example('gb-economy7-2026.json'), 'Europe/London', '2026-07-01', '2026-07-02', { imp: (_t, m) => 100 + (m === 480 ? 900 : 0) });
  assert.equal(r.byName('Unit rate', 'night').quantity, '3.700');
  assert.equal(r.byName('Unit rate', 'day').quantity, '6.800');
  assert.equal(money(r.byName('Unit rate', 'day')), '2.16'); // 6.8 × 0.3180 = 2.1624
  assert.equal(money(r.byName('Unit rate', 'night')), '0.51'); // 3.7 × 0.1370 = 0.5069
  assert.equal(money(r.byName('Standing charge')), '0.54'); // 0.5356
  assert.equal(money(r.byName('VAT 5%')), '0.16'); // 5 % of 3.21 = 0.1605
  assert.equal(r.total, '3.37');
});

test('Economy 7 on the 92- and 100-quarter-hour days still has exactly 7 night hours', () => {
  for (const [day, next, n] of [['2026-03-29', '2026-03-30', 92], ['2026-10-25', '2026-10-26', 100]] as const) {
    const r = bill(example('gb-economy7-2026.json'), 'Europe/London', day, next, { imp: () => 1000 });
    assert.equal(r.n, n);
    assert.equal(r.byName('Unit rate', 'night').quantity, '28.000', `${day}: 28 quarter-hours of night`);
    assert.equal(r.byName('Unit rate', 'day').quantity, `${n - 28}.000`);
  }
});

test('Agile-style dynamic prices: per half hour, with the 16–19 h adder, the cap and a negative price', () => {
  // 2026-01-15 (GMT). Wholesale 0.10 GBP/kWh, 0.50 at 17:00–17:30, −0.05 at 03:00–03:30; 250 Wh per quarter-hour.
  // Unit rates: 2.2 × 0.10 = 0.22; 16–19 h: 0.22 + 0.12 = 0.34; 17:00: min(1.10 + 0.12, 1.00) = 1.00; 03:00: −0.11.
  // 82 × 0.25 × 0.22 + 10 × 0.25 × 0.34 + 2 × 0.25 × 1.00 + 2 × 0.25 × (−0.11) = 4.51 + 0.85 + 0.50 − 0.055 = 5.805
  const day = localDateStart('2026-01-15', 'Europe/London');
  const wholesale = (t: number): number => {
    const m = (t - day) / 60;
    if (m >= 17 * 60 && m < 17 * 60 + 30) return 500_000;
    if (m >= 3 * 60 && m < 3 * 60 + 30) return -50_000;
    return 100_000;
  };
  const r = bill(example('gb-agile-2026.json'), 'Europe/London', '2026-01-15', '2026-01-16', { imp: () => 250, prices: { 'agile-wholesale': wholesale } });
  assert.equal(money(r.byName('Agile unit rate')), '5.81'); // 5.805, half away from zero
  assert.equal(r.byName('Agile unit rate').quantity, '24.000');
  assert.equal(money(r.byName('VAT 5%')), '0.31'); // 5 % of 6.29 = 0.3145
  assert.equal(r.total, '6.60');
});

test('Agile without a price for an interval is refused, naming the interval', () => {
  assert.throws(
    () => bill(example('gb-agile-2026.json'), 'Europe/London', '2026-01-15', '2026-01-16', { imp: () => 250, prices: { 'agile-wholesale': (t) => (t % 86_400 === 43_200 ? NaN : 100_000) } }),
    (e: Error & { code?: string }) => e.code === 'PRICES_MISSING' && /2026-01-15T12:00:00Z/.test(e.message),
  );
});

test('Flemish capacity tariff: average of 12 month peaks, each at least 2.5 kW (Europe/Brussels, Feb 2026)', () => {
  // History: 10 months at 4.0 kW and June at 1.0 kW (→ 2.5); February peaks at 6 kW (1,500 Wh in one quarter-hour).
  // (10 × 4000 + 2500 + 6000) / 12 = 4041.67 → 4,042 W. 4.042 kW × 40.4 × 28 / 365 = 12.5269 → 12.53.
  const history: Record<string, number> = {};
  for (const m of ['2025-03', '2025-04', '2025-05', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01']) history[m] = 4000;
  history['2025-06'] = 1000;
  const peakAt = localDateStart('2026-02-10', 'Europe/Brussels') + 19 * 3600;
  const r = bill(example('be-vlaanderen-capaciteit-2026.json'), 'Europe/Brussels', '2026-02-01', '2026-03-01', { imp: (t) => (t === peakAt ? 1500 : 250), history });
  const cap = r.byName('Capacity tariff');
  assert.equal(cap.quantity, '4.042');
  assert.equal(money(cap), '12.53');
  // Energy: 2,687 × 250 + 1,500 = 673.25 kWh: 97.62 (× 0.145 = 97.62125) + 35.01 (× 0.052 = 35.009); data 28 × 0.05 = 1.40.
  assert.equal(money(r.byName('Energy')), '97.62');
  assert.equal(money(r.byName('Network (per kWh)')), '35.01');
  assert.equal(money(r.byName('VAT 6%')), '8.79'); // 6 % of 146.56 = 8.7936
  assert.equal(r.total, '155.35');
  const exempt = bill(example('be-vlaanderen-capaciteit-2026.json'), 'Europe/Brussels', '2026-02-01', '2026-03-01', { imp: () => 250, history, exempt: true });
  assert.equal(exempt.byName('Capacity tariff').amount, 0);
});

test('capacity on a month basis with the 2.5 kW minimum and a leap year (366 days)', () => {
  const t = parseTariff({ id: 'cap-month', name: 'x', currency: 'EUR', effectiveFrom: '2028-01-01', periods: [{ id: 'all' }], schedule: [{ period: 'all' }],
    charges: [{ type: 'capacity', name: 'Capacity', perKwYear: '36.6', minimumKw: '2.5', basis: 'month' }] });
  // Peak 1 kW < 2.5 kW → 2.5 kW × 36.6 × 29 / 366 = 7.25
  const r = bill(t, 'Europe/Brussels', '2028-02-01', '2028-03-01', { imp: () => 250 });
  assert.equal(r.n, 29 * 96);
  assert.equal(r.byName('Capacity').quantity, '2.500');
  assert.equal(money(r.byName('Capacity')), '7.25');
});

test('a US federal holiday on a Saturday is observed on Friday, which has no peak (America/New_York)', () => {
  // 2026-07-01..07-08: Independence Day is Saturday 4 July, observed Friday 3 July. Peak 14–18 h on
  // Wed 1, Thu 2, Mon 6, Tue 7 July = 4 × 16 = 64 quarter-hours × 0.5 kWh = 32 kWh; off-peak 304 kWh.
  const r = bill(example('us-ny-tou-2026.json'), 'America/New_York', '2026-07-01', '2026-07-08', { imp: () => 500 });
  assert.equal(r.byName('Supply', 'peak').quantity, '32.000');
  assert.equal(r.byName('Supply', 'offpeak').quantity, '304.000');
  assert.equal(money(r.byName('Supply', 'peak')), '11.26'); // 32 × 0.352 = 11.264
  assert.equal(money(r.byName('Supply', 'offpeak')), '35.87'); // 304 × 0.118 = 35.872
  assert.equal(money(r.byName('Basic service charge')), '4.38'); // 7 × 0.625 = 4.375
  assert.equal(r.total, '51.51');
});

test('New York fall-back day has 100 quarter-hours, spring-forward 92', () => {
  assert.equal(bill(example('us-ny-tou-2026.json'), 'America/New_York', '2026-11-01', '2026-11-02', { imp: () => 1 }).n, 100);
  assert.equal(bill(example('us-ny-tou-2026.json'), 'America/New_York', '2026-03-08', '2026-03-09', { imp: () => 1 }).n, 92);
});

test('NSW TOU with solar feed-in on the 25-hour day when DST ends (Australia/Sydney, 2026-04-05)', () => {
  // 100 quarter-hours; shoulder season (no peak). Off-peak 22–07 h = 9 h + the repeated hour = 40 quarter-hours (4.0 kWh
  // at 100 Wh), shoulder 60 (6.0 kWh). Export 200 Wh in 10–14 h = 16 × 0.2 = 3.2 kWh.
  const r = bill(example('au-nsw-tou-2026.json'), 'Australia/Sydney', '2026-04-05', '2026-04-06', { imp: () => 100, exp: (_t, m) => (m >= 600 && m < 840 ? 200 : 0) });
  assert.equal(r.n, 100);
  assert.equal(r.byName('Usage', 'offpeak').quantity, '4.000');
  assert.equal(r.byName('Usage', 'shoulder').quantity, '6.000');
  assert.equal(r.byName('Usage', 'peak').quantity, '0.000');
  assert.equal(money(r.byName('Usage', 'offpeak')), '0.88'); // 4 × 0.221 = 0.884
  assert.equal(money(r.byName('Usage', 'shoulder')), '1.87'); // 6 × 0.312 = 1.872
  assert.equal(money(r.byName('Solar feed-in')), '-0.16'); // 3.2 × 0.05
  assert.equal(money(r.byName('GST 10%')), '0.37'); // 10 % of 3.69
  assert.equal(r.total, '4.06');
  assert.equal(bill(example('au-nsw-tou-2026.json'), 'Australia/Sydney', '2026-10-04', '2026-10-05', { imp: () => 1 }).n, 92);
});

test('tiered baseline: allowances scale with the days of the bill period', () => {
  // June 2026, 30 days × 24 kWh = 720 kWh. Tier 1: 12 × 30 = 360 kWh × 0.29 = 104.40; tier 2 up to 30 kWh/day: the other
  // 360 kWh × 0.36 = 129.60; tier 3: 0. Standing 30 × 0.33 = 9.90.
  const r = bill(example('us-tiered-2026.json'), 'America/New_York', '2026-06-01', '2026-07-01', { imp: () => 250 });
  const blocks = r.lines.filter((l) => l.type === 'tiered');
  assert.deepEqual(blocks.map((b) => [b.quantity, formatMicro(b.amount)]), [['360.000', '104.40'], ['360.000', '129.60'], ['0.000', '0.00']]);
  assert.equal(r.total, '243.90');
});

test('leap day: February 2028 has 29 days of standing charge and 2,784 quarter-hours', () => {
  // Weekdays in Feb 2028 (1 Feb is a Tuesday): 21 → normal 21 × 64 × 0.1 = 134.4 kWh; all 2,784 × 0.1 = 278.4 kWh.
  const r = bill(example('nl-dubbel-2026.json'), 'Europe/Amsterdam', '2028-02-01', '2028-03-01', { imp: () => 100 });
  assert.equal(r.n, 2784);
  assert.equal(r.byName('Supply', 'normaal').quantity, '134.400');
  assert.equal(r.byName('Supply', 'dal').quantity, '144.000');
  assert.equal(money(r.byName('Grid connection and fixed supply')), '32.63'); // 29 × 1.125 = 32.625
  assert.equal(r.total, '158.44'); // 35.62 + 34.42 + 28.27 + 32.63 = 130.94; VAT 27.50
});

test('a tariff change mid-period is pro-rated by interval, across the spring-forward day', () => {
  const v = (from: string, rate: string): Tariff => parseTariff({ id: 'flat', name: 'Flat', currency: 'EUR', effectiveFrom: from, periods: [{ id: 'all' }], schedule: [{ period: 'all' }], charges: [{ type: 'energy', name: 'Energy', rate }] });
  // 1–14 March: 1,344 quarter-hours = 336 kWh × 0.20 = 67.20; 15–31 March: 16 × 96 + 92 = 1,628 = 407 kWh × 0.30 = 122.10.
  const r = bill([v('2026-01-01', '0.20'), v('2026-03-15', '0.30')], 'Europe/Amsterdam', '2026-03-01', '2026-04-01', { imp: () => 250 });
  assert.deepEqual(r.lines.map((l) => [l.version, l.from, l.to, l.quantity, formatMicro(l.amount)]), [
    [1, '2026-03-01', '2026-03-15', '336.000', '67.20'],
    [2, '2026-03-15', '2026-04-01', '407.000', '122.10'],
  ]);
});

test('holidays on weekends: GB Christmas 2027 (Sat) gives substitute days Mon 27 and Tue 28 December', () => {
  const t = parseTariff({ id: 'hol', name: 'x', currency: 'GBP', effectiveFrom: '2027-01-01', holidays: 'GB-ENG', periods: [{ id: 'peak' }, { id: 'off' }],
    schedule: [{ days: ['weekday'], from: '16:00', to: '19:00', period: 'peak' }, { period: 'off' }], charges: [{ type: 'energy', name: 'E', rates: { peak: '1', off: '0' } }] });
  // Mon 20 – Fri 31 Dec 2027: working days 20–24, 29–31 (8 days; 27 and 28 are substitute bank holidays) × 12 quarter-hours.
  const r = bill(t, 'Europe/London', '2027-12-20', '2028-01-01', { imp: () => 1000 });
  assert.equal(r.byName('E', 'peak').quantity, String(8 * 12) + '.000');
});
