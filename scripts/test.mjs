// Runs every *.test.ts under src/ and test/ with node's own test runner (Node 20's --test does not
// expand globs), prints the spec report, and ends with one plain summary line that CI reads.
// Usage: npm test [-- <path filter>...]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules') walk(p); }
    else if (e.name.endsWith('.test.ts')) files.push(p);
  }
};
for (const root of ['src', 'test']) walk(root);
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'meterstack-test-'));
const tap = join(dir, 'report.tap');
const args = [
  '--import', 'tsx', '--test', '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...selected,
];
const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
child.on('exit', (code, signal) => {
  let pass = 0, fail = 0, skipped = 0;
  try {
    const text = readFileSync(tap, 'utf8');
    const num = (k) => Number((new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text) ?? [])[1] ?? 0);
    pass = num('pass'); fail = num('fail') + num('cancelled'); skipped = num('skipped') + num('todo');
  } catch { fail = Math.max(fail, 1); }
  rmSync(dir, { recursive: true, force: true });
  const failed = code !== 0 || signal !== null ? Math.max(fail, 1) : fail;
  console.log(`\n${pass} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
  process.exit(failed > 0 ? 1 : 0);
});
