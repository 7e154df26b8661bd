import type { Command } from 'commander';
import { MeterstackError } from '../../model/index.ts';
import type { TouMeterReport, TouReport } from '../../services/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

interface VerifyOpts { tariff: string; from?: string; to?: string; meters?: string; resolutionWh?: string; json?: boolean; all?: boolean; data?: string }

const kwh = (wh: number): string => (wh / 1000).toFixed(3);
const LIST = 20;

function meterLine(m: TouMeterReport): string {
  const head = `  ${m.meterId.padEnd(12)} ${(m.cause ?? '').padEnd(28)} ${(m.confidence ?? '').padEnd(6)}`;
  if (m.verdict !== 'misconfigured') return `${head} ${m.note ?? ''}`;
  const w = m.evidence.windows[0];
  const eg = w ? `; e.g. ${w.from.slice(0, 10)}: ${w.registers.map((r) => `${r.register} ${kwh(r.observedWh)} kWh (calendar ${kwh(r.calendarWh)})`).join(', ')}` : '';
  return `${head} ${m.description ?? ''} (${m.windows.violating} of ${m.windows.usable} read windows off${eg})${m.alternatives.length ? `; or: ${m.alternatives.map((a) => a.cause).join(', ')}` : ''}`;
}

/** The report as a person reads it: totals, causes, then the meters to visit. */
export function printTouReport(r: TouReport, all = false): string {
  const t = r.totals;
  const out = [
    `TOU verification of ${r.tariffId}, ${r.from} .. ${r.to} (${r.zones.join(', ') || 'no meters'}), registers ${r.registers.join(', ')}`,
    `${t.meters} meter(s): ${t.ok} ok, ${t.misconfigured} misconfigured, ${t.insufficientData} insufficient data (${(r.elapsedMs / 1000).toFixed(1)} s, ${r.metersPerS} meters/s)`,
  ];
  const causes = Object.entries(t.byCause).sort((a, b) => b[1] - a[1]);
  if (causes.length) out.push(`  by cause: ${causes.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  for (const u of r.untestable) out.push(`  not testable in this range (${u.zone}): ${u.why}`);
  for (const [verdict, title] of [['misconfigured', 'misconfigured'], ['insufficient-data', 'insufficient data']] as const) {
    const ms = r.meters.filter((m) => m.verdict === verdict);
    if (!ms.length) continue;
    out.push('', `${title}:`);
    for (const m of all ? ms : ms.slice(0, LIST)) out.push(meterLine(m));
    if (!all && ms.length > LIST) out.push(`  … and ${ms.length - LIST} more (--all or --json lists every meter)`);
  }
  return `${out.join('\n')}\n`;
}

/** `meterstack tou verify`: the meters' own TOU registers against the tariff calendar. */
export function registerTou(program: Command): void {
  const tou = program.command('tou').description('time-of-use registers of the meters');
  tou.command('verify')
    .description('compare each meter\'s TOU registers (1-0:1.8.1, 1-0:1.8.2 …) with its interval data under the tariff calendar; name misconfigured meters and the likely cause')
    .requiredOption('--tariff <id>', 'tariff whose accounts\' meters are verified')
    .option('--from <date>', 'start: local date YYYY-MM-DD or ISO 8601 time (default: 30 days before --to)')
    .option('--to <date>', 'end, exclusive (default: today, local midnight)')
    .option('--meters <ids>', 'comma-separated meter ids instead of every meter on the tariff')
    .option('--resolution-wh <n>', 'register resolution in Wh (1 for 0.001 kWh, 10 for 0.01 kWh)')
    .option('--json', 'the whole report as JSON')
    .option('--all', 'list every flagged meter, not the first 20 per verdict')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (opts: VerifyOpts) => {
      let code = 0;
      try {
        const res = opts.resolutionWh === undefined ? undefined : Number(opts.resolutionWh);
        if (res !== undefined && !(Number.isInteger(res) && res >= 1)) throw new MeterstackError('TOU_VERIFY_INVALID', `--resolution-wh "${opts.resolutionWh}" must be a whole number of Wh ≥ 1`);
        const platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        try {
          const r = await platform.services.touVerification.verify({
            tariffId: opts.tariff, ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}),
            ...(opts.meters ? { meterIds: opts.meters.split(',').map((m) => m.trim()).filter(Boolean) } : {}),
            ...(res !== undefined ? { options: { resolutionWh: res } } : {}),
            ...(process.stderr.isTTY ? { onProgress: (d: number, n: number) => process.stderr.write(`\rtou verify: ${d}/${n} meters${d === n ? '\n' : ''}`) } : {}),
          });
          process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : printTouReport(r, opts.all));
        } finally {
          await platform.close();
        }
      } catch (e) {
        code = reportError(e);
      }
      if (code !== 0) process.exit(code);
    });
}
