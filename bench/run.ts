// `npm run bench` runs every benchmark; `npm run bench -- NAME` one of them.
import { writeResult, type Bench } from './harness.ts';
import { readdirSync } from 'node:fs';

// Every bench/*.bench.ts exports its Bench; adding a benchmark is adding a file.
const here = new URL('.', import.meta.url);
const all: Bench[] = [];
for (const f of readdirSync(here).filter((x) => x.endsWith('.bench.ts')).sort()) {
  for (const v of Object.values(await import(new URL(f, here).href) as Record<string, unknown>)) {
    if (v && typeof v === 'object' && 'name' in v && 'run' in v) all.push(v as Bench);
  }
}
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.some((b) => b.name === w));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${all.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
for (const b of all.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
  console.log(`\n== ${b.name}`);
  const r = await b.run();
  for (const [k, v] of Object.entries(r.figures)) console.log(`${k.padEnd(24)} ${v}${r.targets[k] ? `   (target ${r.targets[k]})` : ''}`);
  for (const [k, v] of Object.entries(r.baseline)) console.log(`baseline ${k.padEnd(15)} ${v}`);
  if (r.notes) console.log(r.notes);
  console.log(`wrote ${writeResult(r)}`);
}
