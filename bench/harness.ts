import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * Shared bench plumbing. Absolute times on a shared 2-core machine are noisy; every bench also
 * measures a baseline in the same run and reports the ratio, which holds across machines.
 */
export interface BenchResult {
  readonly name: string;
  readonly figures: Record<string, number>;
  readonly targets: Record<string, string>;
  readonly baseline: Record<string, number>;
  readonly notes?: string;
}

export interface Bench {
  readonly name: string;
  run(): Promise<BenchResult>;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function seconds(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

export function writeResult(r: BenchResult): string {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${r.name}.json`, dir);
  const out = { name: r.name, figures: r.figures, targets: r.targets, baseline: r.baseline, ...(r.notes ? { notes: r.notes } : {}), at: new Date().toISOString(), node: process.version };
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  return file.pathname;
}
