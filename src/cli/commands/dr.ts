import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { epochToIso, isoToEpoch, MeterstackError } from '../../model/index.ts';
import { DR_KINDS, DR_STATUSES, type DrEventInput, type DrEventView, type DrStatus } from '../../services/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform, type Platform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

const actor = (): string => `cli:${process.env.USER ?? 'unknown'}`;
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function time(name: string, iso: string): number {
  try {
    return isoToEpoch(iso);
  } catch {
    throw new MeterstackError('DR_EVENT_INVALID', `--${name} "${iso}" is not an ISO 8601 time with offset, e.g. 2026-12-01T17:00:00+01:00`);
  }
}

async function withPlatform(data: string | undefined, fn: (p: Platform) => Promise<number | void>): Promise<void> {
  try {
    const p = await openPlatform(loadConfig({ ...(data ? { data } : {}), sim: false }));
    let code = 0;
    try {
      code = (await fn(p)) ?? 0;
      await p.services.dr.settled();
    } finally {
      await p.close();
    }
    process.exitCode = code;
  } catch (e) {
    process.exit(reportError(e));
  }
}

export const eventLine = (e: DrEventView): string =>
  `${e.id}  ${e.status.padEnd(9)}  ${epochToIso(e.start)} → ${epochToIso(e.end)}  level ${e.level}  ${e.kind}  ${e.name}${e.source === 'openadr' ? `  (OpenADR ${e.externalKey})` : ''}`;

interface CreateOpts {
  name: string; kind: string; start: string; end: string; notice?: string; level?: string; price?: string; message?: string;
  all?: boolean; feeder?: string[]; transformer?: string[]; premise?: string[]; gridArea?: string[]; data?: string;
}

/** `meterstack dr`: peak events (docs/demand-response.md) from the command line. */
export function registerDr(program: Command): void {
  const dr = program.command('dr').description('demand response: peak events, their notices and OpenADR intake');
  const event = dr.command('event').description('create, list or cancel peak events');

  event.command('create')
    .description('create a peak event; targeted customers get a notice in the portal and on their in-home display')
    .requiredOption('--name <text>', 'what the event is called')
    .option('--kind <kind>', `one of ${DR_KINDS.join(', ')}`, 'critical-peak-price')
    .requiredOption('--start <iso>', 'start, ISO 8601 with offset')
    .requiredOption('--end <iso>', 'end, ISO 8601 with offset')
    .option('--notice <iso>', 'when customers are told (default now)')
    .option('--level <0-3>', 'signal level for the whole event (default 1)')
    .option('--price <per-kWh>', 'price per kWh (price events)')
    .option('--message <text>', 'what customers are asked to do')
    .option('--all', 'every electricity meter')
    .option('--feeder <id>', 'a feeder (repeatable)', collect)
    .option('--transformer <id>', 'a transformer (repeatable)', collect)
    .option('--premise <id>', 'a premise (repeatable)', collect)
    .option('--grid-area <ean>', 'a grid area (repeatable)', collect)
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action((o: CreateOpts) => withPlatform(o.data, async (p) => {
      if (!(DR_KINDS as readonly string[]).includes(o.kind)) throw new MeterstackError('DR_EVENT_INVALID', `--kind ${o.kind} is not one of ${DR_KINDS.join(', ')}`);
      const num = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const x = Number(v);
        if (v.trim() === '' || !Number.isFinite(x)) throw new MeterstackError('DR_EVENT_INVALID', `--${name} "${v}" is not a number`);
        return x;
      };
      const level = num('level', o.level);
      const price = num('price', o.price);
      const input: DrEventInput = {
        name: o.name, kind: o.kind as DrEventInput['kind'], start: time('start', o.start), end: time('end', o.end),
        ...(o.notice ? { noticeAt: time('notice', o.notice) } : {}), ...(level !== undefined ? { level } : {}), ...(price !== undefined ? { price } : {}),
        ...(o.message ? { message: o.message } : {}),
        targets: {
          ...(o.all ? { all: true } : {}), ...(o.feeder ? { feeders: o.feeder } : {}), ...(o.transformer ? { transformers: o.transformer } : {}),
          ...(o.premise ? { premises: o.premise } : {}), ...(o.gridArea ? { gridAreas: o.gridArea } : {}),
        },
      };
      const e = await p.services.dr.create(actor(), input);
      const d = await p.services.dr.get(e.id);
      process.stdout.write(`created ${eventLine(e)}\n  targets: ${d.targetMeters} meter(s) at ${d.targetPremises} premise(s)\n`);
    }));

  event.command('list')
    .description('peak events, newest start first')
    .option('--status <status>', `only ${DR_STATUSES.join(' | ')}`)
    .option('--json', 'one JSON document')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action((o: { status?: string; json?: boolean; data?: string }) => withPlatform(o.data, async (p) => {
      if (o.status !== undefined && !(DR_STATUSES as readonly string[]).includes(o.status)) {
        throw new MeterstackError('DR_EVENT_INVALID', `--status ${o.status} is not one of ${DR_STATUSES.join(', ')}`);
      }
      const page = await p.services.dr.list(o.status ? { status: o.status as DrStatus } : {}, { limit: 1000 });
      if (o.json) process.stdout.write(`${JSON.stringify({ items: page.items, total: page.total }, null, 2)}\n`);
      else process.stdout.write(page.items.length ? `${page.items.map(eventLine).join('\n')}\n` : 'no peak events\n');
    }));

  event.command('cancel <id>')
    .description('cancel a scheduled or active peak event; displays are told')
    .option('--reason <text>', 'why (goes into the audit log)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action((id: string, o: { reason?: string; data?: string }) => withPlatform(o.data, async (p) => {
      process.stdout.write(`cancelled ${eventLine(await p.services.dr.cancel(actor(), id, o.reason))}\n`);
    }));

  dr.command('import <file>')
    .description('import an OpenADR 2.0b oadrDistributeEvent (XML) received from a VTN')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action((file: string, o: { data?: string }) => withPlatform(o.data, async (p) => {
      let xml: string;
      try {
        xml = readFileSync(file, 'utf8');
      } catch (e) {
        throw new MeterstackError('DR_EVENT_INVALID', `cannot read ${file}: ${(e as Error).message}`);
      }
      const out = await p.services.dr.importOpenAdr(actor(), xml, basename(file));
      process.stdout.write(`${basename(file)}: VTN ${out.vtnId}, ${out.events.length} event(s)\n`);
      for (const e of out.events) process.stdout.write(`  ${e.eventId}: ${e.result}${e.id ? ` → ${e.id}` : ''}${e.reason ? ` (${e.reason})` : ''}\n`);
    }));
}
