import type { Meter } from '../../model/index.ts';
import type { DrTargetRecord, DrTargetSpec } from '../../store/dr.port.ts';
import type { Store } from '../../store/store.port.ts';
import { allPages } from '../paging.ts';

export type TargetPorts = Pick<Store, 'meterIds' | 'meterIdsAtPremise' | 'getMeter' | 'listAccounts' | 'listAssignments'>;

/**
 * Resolves a target spec against the meter registry, topology and accounts: electricity meters only
 * (an event asks for less electricity), each once, with its premise. Unknown ids resolve to nothing.
 * A grid area is the accounts' market grid area, and their meters assigned over [from, to).
 */
export async function resolveTargets(store: TargetPorts, spec: DrTargetSpec, from: number, to: number): Promise<DrTargetRecord[]> {
  const ids = new Set<string>();
  const add = (list: readonly string[]) => { for (const id of list) ids.add(id); };
  if (spec.all) add(await store.meterIds({ kind: 'electricity' }));
  for (const f of spec.feeders ?? []) add(await store.meterIds({ feederId: f, kind: 'electricity' }));
  for (const t of spec.transformers ?? []) add(await store.meterIds({ transformerId: t, kind: 'electricity' }));
  for (const p of spec.premises ?? []) add(await store.meterIdsAtPremise(p));
  for (const g of spec.gridAreas ?? []) {
    const accounts = await allPages((page) => store.listAccounts({ gridArea: g }, page), 1000);
    for (const a of accounts) add((await store.listAssignments(a.id, from, to)).map((x) => x.meterId));
  }
  const out: DrTargetRecord[] = [];
  for (const id of [...ids].sort()) {
    const m: Meter | undefined = await store.getMeter(id);
    if (!m || m.kind !== 'electricity') continue;
    out.push({ meterId: id, premise: m.premise ?? null });
  }
  return out;
}

/** The premise a target counts under: its premise, or the meter itself when it has none. */
export const homeOf = (t: DrTargetRecord): string => t.premise ?? `meter:${t.meterId}`;
