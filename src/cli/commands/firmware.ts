import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MeterstackError } from '../../model/index.ts';
import { parseWindowSpec, type CampaignView } from '../../services/index.ts';
import { cliActor, DATA_OPTION, withServices } from '../with-services.ts';

type DataOpt = { data?: string };
const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const out = (s: string): void => { process.stdout.write(`${s}\n`); };

function readFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new MeterstackError('FIRMWARE_IMAGE_INVALID', `${file}: ${(e as Error).message}`, { source: file });
  }
}

/** A signature as base64 text, or a file of it (raw bytes or base64 text). */
function signatureOf(opts: { signature?: string; signatureFile?: string }): string {
  if (opts.signature !== undefined) return opts.signature;
  if (opts.signatureFile === undefined) return '';
  const b = readFile(opts.signatureFile);
  const text = b.toString('latin1').trim();
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? text : b.toString('base64');
}

export function printCampaign(c: CampaignView): string {
  const p = c.progress;
  const pct = Math.round(p.done * 100);
  const lines = [
    `${c.id}  ${c.name}  [${c.state}]  ${c.image.vendor} ${c.image.version} (${c.image.id})`,
    `  progress ${pct}% · wave ${Math.min(c.wave + 1, c.waves)} of ${c.waves} · blocks ${p.blocks.done}/${p.blocks.total}${p.etaSeconds !== null ? ` · ETA ${Math.ceil(p.etaSeconds / 60)} min` : ''}`,
    `  ${Object.entries(p.counts).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(' · ') || 'no meters'}`,
  ];
  if (Object.keys(p.skipped).length > 0) lines.push(`  skipped: ${Object.entries(p.skipped).map(([r, n]) => `${r} ${n}`).join(' · ')}`);
  for (const w of p.waves) lines.push(`  wave ${w.wave}${w.wave === 0 ? ' (canary)' : ''}: ${w.size} meters, ${w.succeeded} ok, ${w.failed} failed (${(w.failedShare * 100).toFixed(0)}%) ${w.verdict}`);
  if (c.halt) lines.push(`  halted by ${c.halt.by}${c.halt.by === 'threshold' ? ` in wave ${c.halt.wave} (${((c.halt.failedShare ?? 0) * 100).toFixed(0)}% failed, threshold ${(c.settings.threshold * 100).toFixed(0)}%)` : c.halt.actor ? ` (${c.halt.actor})` : ''}`);
  return lines.join('\n');
}

/**
 * `meterstack firmware key|image|campaign` (docs/firmware.md). Campaign actions change the stored
 * state; a running `meterstack start` on the same data directory picks them up within a second.
 */
export function registerFirmware(program: Command): void {
  const fw = program.command('firmware').description('firmware: signing keys, signed images and campaigns');

  const key = fw.command('key').description('vendor firmware signing keys (public keys only)');
  key.command('add').description('register a vendor\'s Ed25519 or ECDSA P-256 public key (PEM or base64 DER SPKI)')
    .argument('<file>', 'public key file').requiredOption('--vendor <vendor>', 'the vendor whose images it signs').option('--label <text>', 'a note').option(...DATA_OPTION)
    .action((file: string, opts: DataOpt & { vendor: string; label?: string }) => withServices(opts, async (s) => {
      const k = await s.firmware.addKey({ vendor: opts.vendor, publicKey: readFile(file).toString('utf8'), ...(opts.label ? { label: opts.label } : {}) }, cliActor());
      out(`${k.id}\t${k.vendor}\t${k.algorithm}`);
    }));
  key.command('list').description('registered signing keys').option('--vendor <vendor>').option(...DATA_OPTION)
    .action((opts: DataOpt & { vendor?: string }) => withServices(opts, async (s) => {
      for (const k of await s.firmware.listKeys(opts.vendor)) out(`${k.id}\t${k.vendor}\t${k.algorithm}\t${k.label ?? ''}`);
    }));

  const image = fw.command('image').description('signed firmware images');
  image.command('add').description('store an image; refused unless signed by a registered key of its vendor')
    .argument('<file>', 'the image')
    .requiredOption('--vendor <vendor>').requiredOption('--model <model>', 'a meter model it fits (repeat or comma-separate)', list)
    .requiredOption('--image-version <version>', 'the version the meter reports once it runs the image')
    .option('--identifier <id>', 'image identifier the meter sees (default <vendor>-<version>)')
    .option('--signature <base64>', 'signature over the file\'s bytes, base64').option('--signature-file <file>', 'signature file (raw or base64)')
    .option(...DATA_OPTION)
    .action((file: string, opts: DataOpt & { vendor: string; model: string[]; imageVersion: string; identifier?: string; signature?: string; signatureFile?: string }) => withServices(opts, async (s) => {
      const bytes = readFile(file);
      const i = await s.firmware.addImage({
        vendor: opts.vendor, models: opts.model, version: opts.imageVersion, ...(opts.identifier ? { identifier: opts.identifier } : {}), signature: signatureOf(opts),
      }, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), cliActor());
      out(`${i.id}\t${i.vendor}\t${i.models.join(',')}\t${i.version}\t${i.size} bytes\tsha256 ${i.sha256}\tkey ${i.keyId}`);
    }));
  image.command('list').description('stored images, newest first').option(...DATA_OPTION)
    .action((opts: DataOpt) => withServices(opts, async (s) => {
      for (const i of (await s.firmware.listImages({ limit: 1000 })).items) out(`${i.id}\t${i.vendor}\t${i.models.join(',')}\t${i.version}\t${i.size} bytes`);
    }));

  const campaign = fw.command('campaign').description('firmware campaigns: create, start, halt, resume, cancel, status');
  campaign.command('create').description('create a draft campaign (the target is resolved to meters and waves now)')
    .requiredOption('--image <id>').option('--name <name>')
    .option('--vendor <vendor>').option('--model <model>', 'target models', list).option('--from-version <v>', 'current firmware versions to include', list)
    .option('--feeder <id>').option('--transformer <id>').option('--grid-area <ean>').option('--meters <ids>', 'explicit meter ids', list)
    .option('--canary <n>', 'meters in the canary wave', Number).option('--batch <n>', 'meters per later wave', Number)
    .option('--threshold <share>', 'failed share of a wave that halts the campaign (0.1 = more than 10 %)', Number)
    .option('--concurrency <n>', 'upgrades at once', Number).option('--window <spec>', 'local window for new upgrades, e.g. "Europe/Amsterdam 22:00-05:00"')
    .option('--json', 'print the campaign as JSON').option(...DATA_OPTION)
    .action((opts: DataOpt & {
      image: string; name?: string; vendor?: string; model?: string[]; fromVersion?: string[]; feeder?: string; transformer?: string; gridArea?: string; meters?: string[];
      canary?: number; batch?: number; threshold?: number; concurrency?: number; window?: string; json?: boolean;
    }) => withServices(opts, async (s) => {
      const target = {
        ...(opts.vendor ? { vendor: opts.vendor } : {}), ...(opts.model ? { models: opts.model } : {}), ...(opts.fromVersion ? { firmware: opts.fromVersion } : {}),
        ...(opts.feeder ? { feederId: opts.feeder } : {}), ...(opts.transformer ? { transformerId: opts.transformer } : {}),
        ...(opts.gridArea ? { gridArea: opts.gridArea } : {}), ...(opts.meters ? { meterIds: opts.meters } : {}),
      };
      const c = await s.firmware.createCampaign({
        imageId: opts.image, ...(opts.name ? { name: opts.name } : {}), target,
        ...(opts.canary !== undefined ? { canary: opts.canary } : {}), ...(opts.batch !== undefined ? { batch: opts.batch } : {}),
        ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}), ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
        ...(opts.window ? { window: parseWindowSpec(opts.window) } : {}),
      }, cliActor());
      out(opts.json ? JSON.stringify(c) : printCampaign(c));
    }));
  for (const action of ['start', 'halt', 'resume', 'cancel'] as const) {
    campaign.command(action).description({
      start: 'start a draft campaign', halt: 'halt: no new upgrades; in-flight ones stop at their next block',
      resume: 'resume a halted campaign', cancel: 'cancel for good (pending meters are skipped)',
    }[action]).argument('<id>').option(...DATA_OPTION)
      .action((id: string, opts: DataOpt) => withServices(opts, async (s) => out(printCampaign(await s.firmware[action](id, cliActor())))));
  }
  campaign.command('status').description('a campaign\'s progress, or every campaign without an id').argument('[id]').option('--json').option(...DATA_OPTION)
    .action((id: string | undefined, opts: DataOpt & { json?: boolean }) => withServices(opts, async (s) => {
      const items = id ? [await s.firmware.getCampaign(id)] : (await s.firmware.listCampaigns({}, { limit: 100 })).items;
      out(opts.json ? JSON.stringify(id ? items[0] : items) : items.map(printCampaign).join('\n\n'));
    }));
}
