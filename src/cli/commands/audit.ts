import type { Command } from 'commander';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log and integrity chain');
  audit.command('verify')
    .description('recompute the audit chain and the receipts (integrity) chain; exits non-zero on a break')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (opts: { data?: string }) => {
      try {
        const platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        const r = await platform.services.records.verify();
        await platform.close();
        for (const [name, c] of Object.entries(r)) {
          process.stdout.write(c.ok ? `${name}: ok, ${c.entries} entries\n` : `${name}: BROKEN at entry ${c.brokenAt}: ${c.reason}\n`);
        }
        process.exit(r.audit.ok && r.receipts.ok ? 0 : 1);
      } catch (e) {
        process.exit(reportError(e));
      }
    });
}
