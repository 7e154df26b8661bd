import type { Command } from 'commander';
import { MeterstackError } from '../../model/index.ts';
import { loadConfig } from '../../app/config.ts';
import { runP1Listen, type P1Status, type P1TelegramResult } from '../../app/p1-listen.ts';
import { keyOption, zoneOption } from './decode-dsmr.ts';
import { reportError } from '../output.ts';

interface ListenFlags { meter?: string; data?: string; zone?: string; key?: string; ak?: string }

/** HOST:PORT (IPv6 as [::1]:PORT). */
export function hostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65_535) throw new MeterstackError('CONFIG_INVALID', `"${text}" is not HOST:PORT, e.g. 192.168.1.20:2001`);
  return { host: m[1] ?? m[2]!, port };
}

function statusLine(s: P1Status, where: string): string {
  switch (s.kind) {
    case 'connecting': return s.attempt === 1 ? `connecting to ${where}` : '';
    case 'connected': return `connected to ${where}`;
    case 'disconnected': return `disconnected: ${s.reason}`;
    case 'retrying': return `reconnecting in ${s.inMs} ms`;
    case 'skipped': return `skipped ${s.length} bytes: ${s.reason}`;
  }
}

export function registerP1(program: Command): void {
  const p1 = program.command('p1').description('DSMR P1 meters');
  p1.command('listen')
    .description('read telegrams from a ser2net-style P1 gateway (TCP) and store them until Ctrl-C')
    .argument('<host:port>', 'the gateway, e.g. 192.168.1.20:2001')
    .option('--meter <id>', 'meter id (default: the equipment id 0-0:96.1.1 each telegram carries)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .option('--zone <zone>', 'IANA zone of the meter clock (default Europe/Amsterdam; Europe/Brussels for e-MUCS)')
    .option('--key <hex>', 'decryption key of Luxembourg Smarty frames (16 bytes hex)')
    .option('--ak <hex>', 'authentication key of Smarty frames (16 bytes hex)')
    .action(async (target: string, flags: ListenFlags) => {
      let exit = 0;
      try {
        const { host, port } = hostPort(target);
        const key = flags.key ? keyOption(flags.key, '--key') : undefined;
        const authKey = flags.ak ? keyOption(flags.ak, '--ak') : undefined;
        const zone = flags.zone ? zoneOption(flags.zone) : undefined;
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const where = `${host}:${port}`;
        try {
          const stats = await runP1Listen(loadConfig({ ...(flags.data ? { data: flags.data } : {}), sim: false }), {
            host, port, signal: stop.signal,
            ...(flags.meter ? { meterId: flags.meter } : {}),
            ...(zone ? { zone } : {}),
            ...(key ? { keys: { key, ...(authKey ? { authKey } : {}) } } : {}),
            onStatus: (s) => { const line = statusLine(s, where); if (line) process.stderr.write(`${line}\n`); },
            onTelegram: (r) => report(r),
          });
          process.stdout.write(`stopped: ${stats.telegrams} telegrams received, ${stats.stored} stored (${stats.readings} readings and events), ${stats.refused} refused\n`);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      } catch (e) {
        exit = reportError(e);
      }
      process.exit(exit);
    });
}

let stored = 0;

/** The first telegram and every 60th after it: a listener at one telegram a second stays readable. */
function report(r: P1TelegramResult): void {
  if (!r.ok) {
    process.stderr.write(`refused telegram: ${r.code}: ${r.reason}\n`);
    return;
  }
  if (stored++ % 60 === 0) {
    process.stdout.write(`stored telegram of ${r.meterId} at ${new Date(r.at * 1000).toISOString().replace('.000Z', 'Z')}: ${r.registers} readings, ${r.events} events${r.rejected ? `, ${r.rejected} rejected by ingest` : ''} (${stored} so far)\n`);
  }
}
