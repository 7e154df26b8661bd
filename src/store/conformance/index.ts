import { test } from 'node:test';
import type { Store } from '../store.port.ts';
import type { Case } from './fixtures.ts';
import { chainCases } from './chains.cases.ts';
import { intervalCases } from './intervals.cases.ts';
import { meterCases } from './meters.cases.ts';
import { queryCases } from './queries.cases.ts';
import { recordCases } from './records.cases.ts';
import { veeCases } from './vee.cases.ts';
import { userCases } from './users.cases.ts';
import { settlementCases } from './settlement.cases.ts';
import { firmwareCases } from './firmware.cases.ts';
import { consentCases } from './consent.cases.ts';
import { drCases } from './dr.cases.ts';

export interface ConformanceOptions {
  /** Tests an implementation deliberately does not pass, each group with the reason. */
  readonly skip?: readonly { readonly reason: string; readonly tests: readonly string[] }[];
}

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

export const CONFORMANCE_CASES: readonly Case[] = [...intervalCases, ...queryCases, ...meterCases, ...recordCases, ...chainCases, ...veeCases, ...settlementCases, ...userCases, ...firmwareCases, ...consentCases, ...drCases];

/**
 * Registers the Store conformance suite with node:test. Every case gets a fresh store and speaks
 * only the Store interface, so any implementation runs the same suite; divergence is declared in
 * `skip`, never silent. Unknown names in `skip` fail, so the list cannot rot.
 */
export function runStoreConformance(name: string, makeStore: MakeStore, opts: ConformanceOptions = {}): void {
  const skips = new Map<string, string>();
  for (const s of opts.skip ?? []) for (const t of s.tests) skips.set(t, s.reason);
  const unknown = [...skips.keys()].filter((k) => !CONFORMANCE_CASES.some(([n]) => n === k));
  test(`${name} conformance: skip list names real tests`, () => {
    if (unknown.length) throw new Error(`skip list names unknown tests: ${unknown.join(', ')}`);
  });
  for (const [caseName, fn] of CONFORMANCE_CASES) {
    const reason = skips.get(caseName);
    test(`${name} conformance: ${caseName}`, reason === undefined ? {} : { skip: reason }, async () => {
      const { store, cleanup } = await makeStore();
      try {
        await fn(store);
      } finally {
        await store.close();
        await cleanup();
      }
    });
  }
}
