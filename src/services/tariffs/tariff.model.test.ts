import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { easterSunday, holidaysOf } from './holidays.ts';
import { energyAmount, formatMicro, parseMicro } from './money.ts';
import { alignPrices, parsePriceCsv } from './prices.ts';
import { parseTariff } from './tariff.model.ts';

const base = { id: 't', name: 'T', currency: 'EUR', effectiveFrom: '2026-01-01', periods: [{ id: 'all' }], schedule: [{ period: 'all' }], charges: [{ type: 'energy', name: 'E', rate: '0.1' }] };
const invalid = (patch: Record<string, unknown>, pattern: RegExp): void => {
  assert.throws(() => parseTariff({ ...base, ...patch }), (e: Error & { code?: string }) => e.code === 'TARIFF_INVALID' && pattern.test(e.message), JSON.stringify(patch));
};

test('every shipped example tariff parses', () => {
  const dir = new URL('../../../examples/tariffs/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 7);
  for (const f of files) assert.doesNotThrow(() => parseTariff(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))), f);
});

test('malformed tariffs are refused with the field named', () => {
  invalid({ currency: 'euro' }, /currency/);
  invalid({ charges: [{ type: 'energy', name: 'E', rate: 0.1 }] }, /charges\[0\]\.rate.*decimal string/);
  invalid({ charges: [{ type: 'energy', name: 'E', rates: { all: '0.1', x: '1' } }] }, /"x" is not one of the tariff's periods/);
  invalid({ charges: [{ type: 'bogus', name: 'E' }] }, /charges\[0\]\.type/);
  invalid({ schedule: [{ days: ['weekday'], period: 'all' }] }, /no rule covers sun/);
  invalid({ schedule: [{ from: '07:10', to: '08:00', period: 'all' }, { period: 'all' }] }, /not on a quarter-hour/);
  invalid({ seasons: [{ id: 's', from: '04-01', to: '09-30' }] }, /no season covers 01-01/);
  invalid({ effectiveFrom: '2026-02-30' }, /effectiveFrom/);
  invalid({ holidays: 'XX' }, /holiday region/);
  invalid({ netMetering: true, charges: [{ type: 'energy', name: 'E', feed: 'f' }] }, /netMetering/);
  invalid({ charges: [{ type: 'tiered', name: 'T', blocks: [{ upToKwhPerDay: '10', rate: '1' }] }] }, /open-ended/);
  invalid({ extra: 1 }, /unknown field "extra"/);
  assert.throws(() => parseTariff('x'), /JSON object/);
});

test('property: random JSON never crashes the parser, only TARIFF_INVALID', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    try {
      parseTariff(v);
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'TARIFF_INVALID');
    }
  }), { numRuns: 300 });
});

test('money: decimals are exact micro-units, rounding is half away from zero', () => {
  assert.equal(parseMicro('0.2834', 'r'), 283_400);
  assert.equal(parseMicro('-0.05', 'r'), -50_000);
  assert.equal(formatMicro(283_400), '0.2834');
  assert.equal(formatMicro(7_875_000), '7.875');
  assert.equal(formatMicro(energyAmount(7875 * 1_000_000, 2)), '7.88');
  assert.equal(formatMicro(energyAmount(-7875 * 1_000_000, 2)), '-7.88');
  assert.throws(() => parseMicro('0.1234567', 'r'), /at most 6 decimals/);
});

test('holidays: Easter dates and substitute / observed days', () => {
  assert.equal(new Date(easterSunday(2026)).toISOString().slice(0, 10), '2026-04-05');
  assert.equal(new Date(easterSunday(2027)).toISOString().slice(0, 10), '2027-03-28');
  assert.equal(new Date(easterSunday(2000)).toISOString().slice(0, 10), '2000-04-23');
  const gb = holidaysOf('GB-ENG', 2027);
  assert.equal(gb.get('2027-12-27'), 'Christmas Day (substitute day)');
  assert.equal(gb.get('2027-12-28'), 'Boxing Day (substitute day)');
  assert.equal(holidaysOf('GB-ENG', 2026).get('2026-12-28'), 'Boxing Day (substitute day)'); // 26 Dec 2026 is a Saturday
  assert.equal(holidaysOf('US', 2026).get('2026-07-03'), 'Independence Day (observed)');
  assert.equal(holidaysOf('US', 2022).get('2021-12-31'), undefined);
  assert.equal(holidaysOf('US', 2021).get('2021-12-31'), "New Year's Day (observed)"); // 1 Jan 2022 is a Saturday
  assert.equal(holidaysOf('NL', 2025).get('2025-04-26'), 'Koningsdag'); // 27 April 2025 is a Sunday
  assert.equal(holidaysOf('AU-NSW', 2027).get('2027-01-26'), 'Australia Day');
  assert.equal(holidaysOf('AU-NSW', 2026).get('2026-01-26'), 'Australia Day');
  assert.equal(holidaysOf('PL', 2025).get('2025-12-24'), 'Wigilia Bożego Narodzenia');
  assert.equal(holidaysOf('PL', 2024).get('2024-12-24'), undefined);
});

test('price feed CSV: rows last until the next one; bad rows are named', () => {
  const p = parsePriceCsv('start,price\n2026-01-15T00:00:00Z,0.10\n2026-01-15T00:30:00Z,-0.05\n');
  assert.deepEqual(p.map((x) => [x.intervalS, x.price]), [[1800, 100_000], [1800, -50_000]]);
  const a = alignPrices(p, Date.parse('2026-01-15T00:00:00Z') / 1000, 900, 5);
  assert.deepEqual([...a].slice(0, 4), [100_000, 100_000, -50_000, -50_000]);
  assert.ok(Number.isNaN(a[4]));
  assert.throws(() => parsePriceCsv('start,price\n2026-01-15T00:00:00Z,abc\n'), (e: Error & { code?: string; line?: number }) => e.code === 'PRICES_INVALID' && e.line === 2);
  assert.throws(() => parsePriceCsv('when,cost\n'), /header/);
  assert.throws(() => parsePriceCsv('start,price\n2026-01-15T01:00:00Z,1\n2026-01-15T00:00:00Z,1\n'), /time order/);
});

test('the shipped example price feed parses into half-hour prices', () => {
  const p = parsePriceCsv(readFileSync(new URL('../../../examples/prices/agile-wholesale-2026-01.csv', import.meta.url), 'utf8'));
  assert.equal(p.length, 7 * 48);
  assert.ok(p.every((x) => x.intervalS === 1800));
});
