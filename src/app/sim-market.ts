import { readdirSync, readFileSync } from 'node:fs';
import type { Account, EpochSeconds, MeterAssignment } from '../model/index.ts';
import { dayAheadPrices } from '../sim/prices.ts';
import type { Fleet } from '../sim/index.ts';
import type { Platform } from './platform.ts';

/** The example tariffs shipped in examples/tariffs, found beside the code in a checkout or a build. */
export const EXAMPLE_TARIFFS = new URL('../../examples/tariffs/', import.meta.url);

/** EAN-13 market party codes (GS1 prefix 871 like Dutch parties) and EAN-18 grid areas: simulated, not real parties. */
export const SIM_SUPPLIERS = ['8716867000016', '8716867000023', '8716867000030'] as const;
export const SIM_BRPS = ['8716867999995', '8716867999988'] as const;
export const SIM_GRID_AREAS = ['871687400000000017', '871687400000000024'] as const;
export const DAY_AHEAD_FEED = 'nl-day-ahead';

/**
 * The simulated market around the simulated fleet (docs/billing.md#simulated-market): the example
 * tariffs, a year of day-ahead prices either side of the history, and one account per meter on a
 * supplier, BRP and grid area, billed on one of four cycle days. Seeded once, on a fresh start.
 */
export async function seedMarket(p: Platform, fleet: Fleet, historyStart: EpochSeconds, now: EpochSeconds): Promise<{ accounts: number; tariffs: number; prices: number }> {
  const known = new Set((await p.services.tariffs.list()).map((t) => t.id));
  let tariffs = 0;
  for (const f of readdirSync(EXAMPLE_TARIFFS).filter((x) => x.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(new URL(f, EXAMPLE_TARIFFS), 'utf8')) as { id: string };
    if (known.has(doc.id)) continue;
    await p.services.tariffs.addVersion(doc, 'sim');
    tariffs++;
  }
  const prices = dayAheadPrices(fleet.seed, fleet.zone, Math.min(historyStart, now) - 86_400, now + 400 * 86_400);
  const csv = `start,price\n${prices.map((x) => `${new Date(x.start * 1000).toISOString()},${x.price.toFixed(6)}`).join('\n')}\n`;
  await p.services.tariffs.importPrices(DAY_AHEAD_FEED, csv, 'sim');

  const feeders = fleet.topology.feeders.map((f) => f.id);
  const accounts: Account[] = [];
  const assignments: MeterAssignment[] = [];
  fleet.meters.forEach((m, i) => {
    const business = m.tags?.includes('business') ?? false;
    const feeder = feeders.indexOf(m.grid?.feederId ?? '');
    const id = `ACC${m.id.slice(3)}`;
    accounts.push({
      id, name: business ? `Business ${m.id}` : `Household ${m.id}`, ...(m.premise ? { premise: m.premise } : {}), timeZone: m.timeZone,
      // One home in five is on a dynamic (day-ahead) contract, as Dutch suppliers offer them.
      tariffId: !business && i % 5 === 2 ? 'nl-dynamic' : 'nl-dubbel',
      cycleDay: 1 + (i % 4) * 7,
      market: { supplier: SIM_SUPPLIERS[i % 3]!, brp: SIM_BRPS[i % 3 === 2 ? 1 : 0]!, gridArea: SIM_GRID_AREAS[Math.max(0, feeder) % 2]! },
      createdAt: now,
    });
    assignments.push({ accountId: id, meterId: m.id, from: Math.min(historyStart, m.installedAt ?? historyStart) });
  });
  await p.store.upsertAccounts(accounts);
  await p.store.putAssignments(assignments);
  await p.store.appendAudit([{ at: now, actor: 'sim', action: 'sim.market.seed', object: 'accounts', details: { accounts: accounts.length, tariffs, prices: prices.length } }]);
  return { accounts: accounts.length, tariffs, prices: prices.length };
}
