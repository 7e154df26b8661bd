// Rewrites the benchmark table in README.md (between the bench markers) from bench/results/*.json,
// so the README quotes exactly what the last `npm run bench` measured.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

interface Result { name: string; figures: Record<string, number>; targets: Record<string, string>; baseline: Record<string, number>; at: string; node: string }

const dir = new URL('../bench/results/', import.meta.url);
const results = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Result);

const met = (value: number, target: string | undefined): string => {
  if (!target) return '';
  const m = /^(>=|<=)\s*([\d.]+)/.exec(target);
  if (!m) return '';
  const t = Number(m[2]);
  return (m[1] === '>=' ? value >= t : value <= t) ? ' ✅' : ' ❌';
};

const rows = results.flatMap((r) => [
  ...Object.entries(r.figures).map(([k, v]) => `| ${r.name} | \`${k}\` | ${v.toLocaleString('en')}${met(v, r.targets[k])} | ${r.targets[k] ?? '—'} |`),
  ...Object.entries(r.baseline).map(([k, v]) => `| ${r.name} | baseline \`${k}\` | ${v.toLocaleString('en')} | — |`),
]);
const last = results.map((r) => r.at).sort().pop() ?? '';
const table = `<!-- bench:start -->
| benchmark | figure | measured | target |
|---|---|---|---|
${rows.join('\n')}

Measured on the project's 2-core machine kind (${results[0]?.node ?? ''}), last run ${last.slice(0, 10)}; the
machine is shared, so compare the ratios, not the absolute times. Raw results: \`bench/results/\`.
<!-- bench:end -->`;

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
if (!/<!-- bench:start -->[\s\S]*<!-- bench:end -->/.test(text)) throw new Error('README.md has no bench markers');
writeFileSync(readme, text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, table));
console.log(table);
