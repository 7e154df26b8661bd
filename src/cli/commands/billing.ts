import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { MeterstackError } from '../../model/index.ts';
import type { BillView } from '../../services/index.ts';
import { cliActor, DATA_OPTION, withServices } from '../with-services.ts';

type DataOpt = { data?: string };

/** A tariff document as JSON, or YAML when the file says so by its extension. */
function readDocument(file: string): unknown {
  try {
    const text = readFileSync(file, 'utf8');
    return /\.ya?ml$/i.test(file) ? parseYaml(text) as unknown : JSON.parse(text) as unknown;
  } catch (e) {
    throw new MeterstackError('TARIFF_INVALID', `${file}: ${(e as Error).message}`, { source: file });
  }
}

/** The bill as a person reads it: one line per charge, the determinants and data quality under it. */
export function printBill(v: BillView): string {
  const b = v.bill;
  const out = [`bill ${v.id} · account ${b.account.id} · ${b.period.from} to ${b.period.to} (${b.period.days} days, ${b.account.timeZone}) · revision ${v.revision}`];
  for (const t of b.tariffVersions) out.push(`  tariff ${t.id} v${t.version} for ${t.from}..${t.to} (sha256 ${t.fingerprint.slice(0, 12)})`);
  for (const m of b.meters) out.push(`  meter ${m.meterId}: ${m.from} → ${m.to}, ${m.importKwh} kWh${m.registers?.deltaKwh ? ` (register ${m.registers.deltaKwh} kWh)` : ''}`);
  out.push('');
  for (const l of b.lines) {
    const est = l.quality && l.quality.estimated > 0 ? `  [${l.quality.estimated} estimated, ${l.quality.estimatedKwh} kWh]` : '';
    const miss = l.quality && l.quality.missing > 0 ? `  [${l.quality.missing} missing]` : '';
    out.push(`  ${String(l.n).padStart(3)}  ${l.charge}${l.period ? ` (${l.period})` : ''}${l.block ? ` block ${l.block}` : ''}${l.month ? ` ${l.month}` : ''}`.padEnd(52) +
      `${l.amount < 0 ? '-' : ' '}${(Math.abs(l.amount) / 1e6).toFixed(2).padStart(10)}  ${l.explain}${est}${miss}`);
  }
  out.push('', `  subtotal ${b.subtotal}  vat ${b.vat}  total ${b.total} ${b.currency}`);
  out.push(`  data: ${b.quality.intervals} intervals, ${b.quality.estimated} estimated, ${b.quality.missing} missing; as of ${b.asOf}`);
  if (v.difference) out.push(`  re-bill: ${v.difference.total} ${b.currency} against revision ${v.previous?.revision} (${v.difference.lines.length} line(s) changed)`);
  return `${out.join('\n')}\n`;
}

/** `meterstack tariff|prices|account|bill|billing-run`: the billing analyst's commands (docs/billing.md). */
export function registerBilling(program: Command): void {
  const tariff = program.command('tariff').description('tariffs: add versions, list, show');
  tariff.command('add').description('validate and store tariff documents (JSON or YAML, docs/tariffs.md) as their next version')
    .argument('<files...>', 'tariff documents').option(...DATA_OPTION)
    .action((files: string[], opts: DataOpt) => withServices(opts, async (s) => {
      for (const f of files) {
        const v = await s.tariffs.addVersion(readDocument(f), cliActor());
        process.stdout.write(`${v.id} v${v.version} effective ${v.effectiveFrom} (sha256 ${v.fingerprint.slice(0, 12)})\n`);
      }
    }));
  tariff.command('list').description('tariffs with their newest version').option(...DATA_OPTION)
    .action((opts: DataOpt) => withServices(opts, async (s) => {
      for (const t of await s.tariffs.list()) process.stdout.write(`${t.id}\tv${t.version}\t${t.effectiveFrom}\n`);
    }));

  program.command('prices').description('import a price feed: CSV start,price[,end] with prices per kWh')
    .argument('<feed>', 'feed name the tariffs refer to, e.g. nl-day-ahead').argument('<file>', 'CSV file').option(...DATA_OPTION)
    .action((feed: string, file: string, opts: DataOpt) => withServices(opts, async (s) => {
      const r = await s.tariffs.importPrices(feed, readFileSync(file, 'utf8'), cliActor());
      process.stdout.write(`${r.feed}: ${r.prices} prices ${new Date(r.from * 1000).toISOString()} .. ${new Date(r.to * 1000).toISOString()}\n`);
    }));

  const account = program.command('account').description('accounts and the meters that serve them');
  account.command('add').description('create or update an account')
    .requiredOption('--id <id>', 'account id').requiredOption('--name <name>', 'name').requiredOption('--tariff <id>', 'tariff id')
    .requiredOption('--zone <iana>', 'time zone of the bill periods, e.g. Europe/Amsterdam').option('--cycle <day>', 'cycle day 1–28', '1')
    .requiredOption('--supplier <code>', 'supplier party code').requiredOption('--brp <code>', 'balance responsible party code')
    .requiredOption('--grid-area <code>', 'grid area code').option('--premise <id>', 'premise').option('--capacity-exempt', 'no capacity charge (social tariff)')
    .option(...DATA_OPTION)
    .action((o: DataOpt & { id: string; name: string; tariff: string; zone: string; cycle: string; supplier: string; brp: string; gridArea: string; premise?: string; capacityExempt?: boolean }) => withServices(o, async (s) => {
      const a = await s.accounts.upsert({
        id: o.id, name: o.name, tariffId: o.tariff, timeZone: o.zone, cycleDay: Number(o.cycle), market: { supplier: o.supplier, brp: o.brp, gridArea: o.gridArea },
        ...(o.premise ? { premise: o.premise } : {}), ...(o.capacityExempt ? { capacityExempt: true } : {}),
      }, cliActor());
      process.stdout.write(`account ${a.id} on ${a.tariffId}, cycle day ${a.cycleDay}\n`);
    }));
  account.command('assign').description('let a meter serve the account from an instant (ends the previous meter there: a meter exchange)')
    .argument('<account>').argument('<meter>').requiredOption('--from <iso>', 'ISO 8601 with offset').option(...DATA_OPTION)
    .action((acc: string, meter: string, o: DataOpt & { from: string }) => withServices(o, async (s) => {
      const rows = await s.accounts.assignMeter(acc, meter, o.from, cliActor());
      for (const r of rows) process.stdout.write(`${r.meterId} serves ${r.accountId} ${new Date(r.from * 1000).toISOString()} .. ${r.to === undefined ? 'open' : new Date(r.to * 1000).toISOString()}\n`);
    }));

  const bill = program.command('bill').description('bill an account for local dates [from, to), or explain a line of a stored bill')
    .argument('[account]', 'account id').option('--from <date>', 'first local date YYYY-MM-DD').option('--to <date>', 'local date after the last (exclusive)')
    .option('--json', 'print the bill as JSON').option(...DATA_OPTION)
    .action((acc: string | undefined, o: DataOpt & { from?: string; to?: string; json?: boolean }) => withServices(o, async (s) => {
      if (!acc || !o.from || !o.to) throw new MeterstackError('BILL_PERIOD_INVALID', 'give the account, --from and --to (local dates YYYY-MM-DD)');
      const v = await s.billing.bill(acc, o.from, o.to, cliActor());
      process.stdout.write(o.json ? `${JSON.stringify(v, null, 2)}\n` : printBill(v));
    }));
  bill.command('explain').description('the intervals (or days, or peak) behind one line of a stored bill')
    .argument('<bill>', 'bill id').argument('<line>', 'line number').option('--json', 'print as JSON').option(...DATA_OPTION)
    // `--data` and `--json` may be parsed by the parent `bill` command: read them with the globals.
    .action((id: string, n: string, _o: unknown, cmd: Command) => withServices(cmd.optsWithGlobals<DataOpt & { json?: boolean }>(), async (s) => {
      const o = cmd.optsWithGlobals<DataOpt & { json?: boolean }>();
      const e = await s.billing.explain(Number(id), Number(n));
      if (o.json) { process.stdout.write(`${JSON.stringify(e, null, 2)}\n`); return; }
      process.stdout.write(`line ${e.line.n}: ${e.line.charge} — ${e.line.explain}\n${e.note}\n`);
      for (const i of e.items.slice(0, 200)) process.stdout.write(`  ${i.start}  ${i.kwh ?? i.kw ?? i.price ?? ''} ${i.quality ?? ''}\n`);
      if (e.items.length > 200) process.stdout.write(`  … ${e.items.length - 200} more (use --json)\n`);
      process.stdout.write(`sum ${e.sum} (${e.reconciles ? 'reconciles with the line' : 'does NOT reconcile with the line'})\n`);
      return e.reconciles ? 0 : 1;
    }));

  program.command('billing-run').description('bill every account of a cycle for the period starting in a month, with progress')
    .requiredOption('--cycle <day>', 'cycle day 1–28').requiredOption('--month <yyyy-mm>', 'month in which the bill periods start').option(...DATA_OPTION)
    .action((o: DataOpt & { cycle: string; month: string }) => withServices(o, async (s) => {
      const bar = new SingleBar({ format: 'billing [{bar}] {percentage}% {value}/{total} accounts', noTTYOutput: true, notTTYSchedule: 2000, stream: process.stderr });
      const { run, finished } = await s.billingRuns.start(Number(o.cycle), o.month, cliActor(), (done, total) => bar.update(done, { total }));
      bar.start(run.total, 0);
      const r = await finished;
      bar.stop();
      process.stdout.write(`run ${r.id}: ${r.done - r.failed} of ${r.total} accounts billed, ${r.failed} failed, amount ${r.summary.amount}\n`);
      for (const f of r.summary.failures) process.stdout.write(`  ${f.accountId}: ${f.code} ${f.message}\n`);
      return r.status === 'done' ? 0 : 1;
    }));
}
