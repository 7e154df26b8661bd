import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isoToEpoch, MeterstackError } from '../../model/index.ts';
import { assertRuleSet } from '../../services/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

export const cliTime = (flag: string, v: string): number => {
  try {
    return isoToEpoch(v);
  } catch {
    throw new MeterstackError('CONFIG_INVALID', `${flag} "${v}" is not an ISO 8601 time such as 2026-11-01T00:00:00+01:00`);
  }
};

/** `meterstack vee revalidate`: re-run VEE over a period (after a rule change), resumable. */
export function registerVee(program: Command): void {
  const vee = program.command('vee').description('validation, estimation and editing in operation');
  vee.command('revalidate')
    .description('re-run VEE over a period; new versions only where the outcome changes; an interrupted run resumes')
    .requiredOption('--from <iso>', 'start, ISO 8601 with offset')
    .requiredOption('--to <iso>', 'end (exclusive), ISO 8601 with offset')
    .option('--meters <ids>', 'comma-separated meter ids (default: every meter)')
    .option('--rule-set <file>', 'a rule set JSON file (docs/vee.md); default: the built-in one')
    .option('--reestimate', 'estimate substituted/estimated intervals again too (replaces manual S edits)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (opts: { from: string; to: string; meters?: string; ruleSet?: string; reestimate?: boolean; data?: string }) => {
      try {
        const from = cliTime('--from', opts.from);
        const to = cliTime('--to', opts.to);
        const ruleSet = opts.ruleSet === undefined ? undefined : assertRuleSet(JSON.parse(readFileSync(opts.ruleSet, 'utf8')));
        const platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        try {
          const r = await platform.services.vee.revalidate({
            from, to, ...(opts.meters ? { meterIds: opts.meters.split(',').map((m) => m.trim()).filter(Boolean) } : {}),
            ...(ruleSet ? { ruleSet } : {}), ...(opts.reestimate ? { reestimate: true } : {}), actor: `cli:${process.env.USER ?? 'unknown'}`,
            onProgress: (p) => {
              if (p.done === p.meters || p.done % 50 === 0) process.stderr.write(`\rrevalidate ${p.job}: ${p.done}/${p.meters} meters, ${p.changed} channel window(s) changed${p.resumed ? ' (resumed)' : ''}`);
            },
          });
          process.stderr.write('\n');
          process.stdout.write(`${r.meters} meter(s), ${r.runs} channel window(s) validated, ${r.changed} changed (new versions)\n`);
        } finally {
          await platform.close();
        }
      } catch (e) {
        process.exit(reportError(e));
      }
    });
}
