import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MeterstackError } from '../../model/index.ts';
import { DEFAULT_SETTLEMENT, SETTLEMENT_EXPORT_FORMATS, type SettlementRunOutcome } from '../../services/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

/** Exit status when the consistency checks pass but completeness is below the threshold. */
export const EXIT_INCOMPLETE = 3;

const kwh = (wh: number): string => (wh / 1000).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const signed = (s: string): string => (s.startsWith('-') ? s : `+${s}`);

/** The summary a person reads after a run: totals, each group, each check, and what changed since the last run. */
export function formatOutcome(o: SettlementRunOutcome): string {
  const t = o.totals;
  const lines = [
    `settlement ${o.day} ${o.zone}, run ${o.runNo} (${o.id}): ${o.periods} periods, ${o.groupCount} group(s), ${o.meteringPoints} metering point(s), ${o.meters} meter(s)`,
    `import ${kwh(t.importWh)} kWh, export ${kwh(t.exportWh)} kWh; completeness ${pct(t.completeness)} (actual ${pct(t.actualShare)}, estimated ${pct(t.estimatedShare)}), `
      + `${o.status} at a ${pct(o.threshold)} threshold`,
  ];
  for (const c of o.checks) lines.push(`  ${c.passed ? 'ok    ' : 'FAILED'} ${c.name}: ${c.message}`);
  for (const w of o.warnings) lines.push(`  warning: ${w}`);
  if (o.warningCount > o.warnings.length) lines.push(`  … and ${o.warningCount - o.warnings.length} more warning(s)`);
  if (o.diff !== null) {
    const d = o.diff;
    lines.push(`since ${d.previousRunId}: import ${signed(kwh(d.importWhDelta))} kWh, export ${signed(kwh(d.exportWhDelta))} kWh, ${d.changedGroups} group(s) changed`);
    for (const g of d.groups) {
      if (g.change === 'unchanged') continue;
      lines.push(`  ${g.gridArea} / ${g.brp} / ${g.supplier}: ${g.change}, import ${signed(kwh(g.importWhDelta))} kWh, `
        + `completeness ${signed((g.completenessDelta * 100).toFixed(2))} pp, ${g.changedPeriods.length} period(s)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `meterstack settle`: one settlement run of a local day, its summary, and optionally its export. */
export function registerSettle(program: Command): void {
  program.command('settle')
    .description('settle a local day: aggregate 15-minute data per grid area, BRP and supplier; check; store as the next run')
    .requiredOption('--day <date>', 'local settlement day YYYY-MM-DD')
    .option('--zone <zone>', `IANA market zone (default ${DEFAULT_SETTLEMENT.zone})`)
    .option('--threshold <share>', `completeness each group must reach, 0..1 (default ${DEFAULT_SETTLEMENT.threshold})`)
    .option('--export <format>', `also write the run as ${SETTLEMENT_EXPORT_FORMATS.join(' or ')}`)
    .option('--out <file>', 'where the export goes (default: stdout, the summary then goes to stderr)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (opts: { day: string; zone?: string; threshold?: string; export?: string; out?: string; data?: string }) => {
      try {
        if (opts.export !== undefined && !(SETTLEMENT_EXPORT_FORMATS as readonly string[]).includes(opts.export)) {
          throw new MeterstackError('SETTLEMENT_INVALID', `--export ${opts.export} is not one of ${SETTLEMENT_EXPORT_FORMATS.join(', ')}`);
        }
        if (opts.out !== undefined && opts.export === undefined) throw new MeterstackError('SETTLEMENT_INVALID', '--out needs --export csv|xml');
        const threshold = opts.threshold === undefined ? undefined : Number(opts.threshold);
        if (threshold !== undefined && (opts.threshold!.trim() === '' || !Number.isFinite(threshold))) {
          throw new MeterstackError('SETTLEMENT_INVALID', `--threshold "${opts.threshold}" is not a number such as 0.99`);
        }
        const platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        let code = 0;
        try {
          const outcome = await platform.services.settlement.run({
            day: opts.day, ...(opts.zone ? { zone: opts.zone } : {}), ...(threshold !== undefined ? { threshold } : {}), actor: `cli:${process.env.USER ?? 'unknown'}`,
          });
          const exportToStdout = opts.export !== undefined && opts.out === undefined;
          (exportToStdout ? process.stderr : process.stdout).write(formatOutcome(outcome));
          if (opts.export !== undefined) {
            const x = await platform.services.settlement.export(outcome.id, opts.export);
            if (opts.out === undefined) process.stdout.write(x.body);
            else {
              writeFileSync(opts.out, x.body);
              process.stdout.write(`wrote ${opts.export} export to ${opts.out}\n`);
            }
          }
          code = !outcome.consistent ? 1 : outcome.status === 'incomplete' ? EXIT_INCOMPLETE : 0;
        } finally {
          await platform.close();
        }
        process.exitCode = code;
      } catch (e) {
        process.exit(reportError(e));
      }
    });
}
