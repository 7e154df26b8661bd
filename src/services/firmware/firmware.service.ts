import { randomUUID } from 'node:crypto';
import { MeterstackError, type FirmwareImageBytes, type FirmwarePath, type Meter } from '../../model/index.ts';
import type {
  AuditInput, FirmwareCampaignRecord, FirmwareCampaignState, FirmwareImageRecord, FirmwareJobRecord, FirmwareJobState, FirmwareKeyRecord, Page, PageRequest,
} from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';
import {
  type CampaignSettings, type CampaignTarget, IN_FLIGHT, JOB_STATES, matchesTarget, parseSettings, parseTarget, skipReason, transition, waveCount, waveOf,
} from './campaign.rules.ts';
import { FirmwareRunner, type RunnerOptions } from './runner.ts';
import type { FirmwarePorts } from './ports.ts';
import { decodeBase64, parseSigningKey, sha256Hex, verifySignature } from './signing.ts';

export type { FirmwarePorts } from './ports.ts';

export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export interface NewSigningKey {
  readonly vendor: string;
  /** PEM (SPKI) or base64 DER SPKI. */
  readonly publicKey: string;
  readonly label?: string;
}

export interface NewImage {
  readonly vendor: string;
  readonly models: readonly string[];
  readonly version: string;
  /** What the meter sees (DLMS image_identifier); ASCII, at most 64 bytes. Defaults to `<vendor>-<version>`. */
  readonly identifier?: string;
  /** Base64 signature over the bytes by a registered key of the vendor. */
  readonly signature: string;
}

export interface NewCampaign {
  readonly name?: string;
  readonly imageId: string;
  readonly target?: unknown;
  readonly canary?: number;
  readonly batch?: number;
  readonly threshold?: number;
  readonly concurrency?: number;
  readonly window?: unknown;
}

export interface WaveResult {
  readonly wave: number;
  readonly size: number;
  readonly succeeded: number;
  readonly failed: number;
  /** failed / (succeeded + failed) once the wave is done. */
  readonly failedShare: number;
  readonly verdict: 'running' | 'pending' | 'passed' | 'halted';
}

export interface HaltReason {
  readonly by: 'operator' | 'threshold';
  readonly at: number;
  readonly actor?: string;
  readonly wave?: number;
  readonly failedShare?: number;
}

export interface CampaignProgress {
  readonly total: number;
  readonly counts: Readonly<Record<FirmwareJobState, number>>;
  readonly skipped: Readonly<Record<string, number>>;
  readonly blocks: { readonly done: number; readonly total: number };
  /** Finished (succeeded, failed, skipped) share of all jobs, 0..1. */
  readonly done: number;
  readonly waves: readonly WaveResult[];
  /** Seconds until every pending job is through at the current pace; null until one has finished or when nothing is left. */
  readonly etaSeconds: number | null;
}

export interface CampaignView {
  readonly id: string;
  readonly name: string;
  readonly state: FirmwareCampaignState;
  readonly image: Pick<FirmwareImageRecord, 'id' | 'vendor' | 'models' | 'version' | 'identifier' | 'size'>;
  readonly target: CampaignTarget;
  readonly settings: CampaignSettings;
  readonly wave: number;
  readonly waves: number;
  readonly halt?: HaltReason;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly progress: CampaignProgress;
}

export type ImageView = FirmwareImageRecord;
export type KeyView = FirmwareKeyRecord & { readonly fingerprint: string };

const emptyCounts = (): Record<FirmwareJobState, number> => Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<FirmwareJobState, number>;
const keyView = (k: FirmwareKeyRecord): KeyView => ({ ...k, fingerprint: k.id.slice(4) });

/**
 * Firmware (docs/firmware.md): vendor signing keys, signed images and campaigns that bring an image
 * onto meters in waves through the first FirmwarePath that reaches each meter. Campaign state and
 * every job live in the store, so a restart continues a running campaign where it was.
 */
export class FirmwareService {
  private runner: FirmwareRunner | undefined;

  constructor(private readonly store: FirmwarePorts, private readonly now: Clock) {}

  private async audit(actor: string, action: string, object: string, details: Record<string, unknown>): Promise<void> {
    const e: AuditInput = { at: this.now(), actor, action, object, details };
    await this.store.appendAudit([e]);
  }

  // ── signing keys ────────────────────────────────────────────────────────────────────────────

  async addKey(input: NewSigningKey, actor: string): Promise<KeyView> {
    const vendor = checkText(input.vendor, 'vendor', 'FIRMWARE_KEY_INVALID');
    const label = input.label === undefined ? undefined : checkText(input.label, 'label', 'FIRMWARE_KEY_INVALID');
    const k = parseSigningKey(input.publicKey);
    const rec: FirmwareKeyRecord = {
      id: k.id, vendor, algorithm: k.algorithm, publicKey: k.der, ...(label !== undefined ? { label } : {}), createdAt: this.now(), createdBy: actor,
    };
    await this.store.insertFirmwareKey(rec);
    await this.audit(actor, 'firmware.key.add', `firmware-key:${rec.id}`, { vendor, algorithm: rec.algorithm, ...(label ? { label } : {}) });
    return keyView(rec);
  }

  async listKeys(vendor?: string): Promise<KeyView[]> {
    return (await this.store.listFirmwareKeys(vendor)).map(keyView);
  }

  // ── images ──────────────────────────────────────────────────────────────────────────────────

  /** Stores an image only if its signature verifies with a registered key of its vendor. */
  async addImage(input: NewImage, bytes: Uint8Array, actor: string): Promise<ImageView> {
    const vendor = checkText(input.vendor, 'vendor');
    const version = checkText(input.version, 'version', 'FIRMWARE_IMAGE_INVALID', 64);
    if (!Array.isArray(input.models) || input.models.length === 0 || input.models.length > 50) throw new MeterstackError('FIRMWARE_IMAGE_INVALID', 'models must list 1–50 meter models the image fits');
    const models = [...new Set(input.models.map((m, i) => checkText(m, `models[${i}]`)))];
    const identifier = input.identifier ?? `${vendor}-${version}`.replace(/[^\x21-\x7e]/g, '_').slice(0, 64);
    if (!/^[\x20-\x7e]{1,64}$/.test(identifier)) throw new MeterstackError('FIRMWARE_IMAGE_INVALID', 'identifier must be 1–64 printable ASCII characters');
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new MeterstackError('FIRMWARE_IMAGE_INVALID', 'the image is empty');
    if (bytes.length > MAX_IMAGE_BYTES) throw new MeterstackError('FIRMWARE_IMAGE_INVALID', `the image is ${bytes.length} bytes; at most ${MAX_IMAGE_BYTES}`);
    const refuse = async (message: string, keys: readonly string[] = []): Promise<never> => {
      await this.audit(actor, 'firmware.image.refused', `firmware-image:${vendor}/${version}`, { reason: message, sha256: sha256Hex(bytes), keys });
      throw new MeterstackError('FIRMWARE_SIGNATURE_INVALID', message);
    };
    const sig = typeof input.signature === 'string' ? decodeBase64(input.signature) : undefined;
    if (sig === undefined) return refuse('the image carries no signature (base64 over the image bytes)');
    const keys = await this.store.listFirmwareKeys(vendor);
    if (keys.length === 0) return refuse(`no signing key is registered for vendor ${vendor}; register its public key first`);
    const key = keys.find((k) => verifySignature(parseSigningKey(k.publicKey), bytes, sig));
    if (key === undefined) return refuse(`the signature does not verify with any of the ${keys.length} registered key(s) of ${vendor}`, keys.map((k) => k.id));
    const sha256 = sha256Hex(bytes);
    const rec: FirmwareImageRecord = {
      id: `img-${sha256.slice(0, 16)}`, vendor, models, version, identifier, size: bytes.length, sha256, keyId: key.id,
      signature: Buffer.from(sig).toString('base64'), createdAt: this.now(), createdBy: actor,
    };
    await this.store.insertFirmwareImage(rec, bytes);
    await this.audit(actor, 'firmware.image.add', `firmware-image:${rec.id}`, { vendor, models, version, identifier, size: rec.size, sha256, keyId: key.id });
    return rec;
  }

  listImages(page: PageRequest): Promise<Page<ImageView>> {
    return this.store.listFirmwareImages(page);
  }

  async getImage(id: string): Promise<ImageView> {
    const i = await this.store.getFirmwareImage(id);
    if (!i) throw new MeterstackError('FIRMWARE_IMAGE_NOT_FOUND', `no firmware image ${id}`);
    return i;
  }

  /** The image as a path needs it. */
  async imageBytes(id: string): Promise<FirmwareImageBytes> {
    const i = await this.getImage(id);
    const bytes = await this.store.getFirmwareImageBytes(id);
    if (!bytes) throw new MeterstackError('FIRMWARE_IMAGE_NOT_FOUND', `no bytes for firmware image ${id}`);
    return { id: i.id, version: i.version, identifier: i.identifier, bytes, sha256: i.sha256 };
  }

  // ── campaigns ───────────────────────────────────────────────────────────────────────────────

  /**
   * A draft campaign: the target is resolved to meters now; meters the image is not for (other
   * vendor or model, already on the version, no path reaches them) are recorded as skipped with the
   * reason, the rest are put into waves (canary first) in meter id order.
   */
  async createCampaign(input: NewCampaign, actor: string): Promise<CampaignView> {
    const image = await this.getImage(String(input.imageId ?? ''));
    const target = parseTarget(input.target ?? {});
    const settings = parseSettings(input);
    const name = input.name === undefined || input.name === '' ? `${image.vendor} ${image.version}` : checkText(input.name, 'name', 'FIRMWARE_CAMPAIGN_INVALID');
    // Without a vendor or meter list the target is the image's vendor: anything else would be skipped as the wrong model.
    const effective: CampaignTarget = target.vendor === undefined && target.meterIds === undefined ? { ...target, vendor: image.vendor } : target;
    const meters = await this.resolveTarget(effective);
    const id = `fwc-${randomUUID().slice(0, 8)}`;
    const jobs: FirmwareJobRecord[] = [];
    const skipped: FirmwareJobRecord[] = [];
    for (const m of meters) {
      const reach = this.runner?.reaches(m);
      const reason = skipReason(m, image, reach);
      const base = { campaignId: id, meterId: m.id, blocksDone: 0, blocksTotal: 0, attempts: 0, ...(m.firmware ? { fromVersion: m.firmware } : {}) };
      if (reason !== undefined) skipped.push({ ...base, seq: 0, state: 'skipped', code: reason });
      else jobs.push({ ...base, seq: jobs.length, wave: waveOf(jobs.length, settings), state: 'pending' });
    }
    const all = [...jobs, ...skipped.map((j, i) => ({ ...j, seq: jobs.length + i }))];
    const at = this.now();
    const rec: FirmwareCampaignRecord = {
      id, name, imageId: image.id, state: 'draft', wave: 0, waves: waveCount(jobs.length, settings), target: JSON.stringify(target), settings: JSON.stringify(settings),
      results: '[]', createdAt: at, createdBy: actor, updatedAt: at,
    };
    await this.store.putFirmwareCampaign(rec);
    for (let i = 0; i < all.length; i += 5000) await this.store.putFirmwareJobs(all.slice(i, i + 5000));
    await this.audit(actor, 'firmware.campaign.create', `firmware-campaign:${id}`, {
      name, imageId: image.id, version: image.version, target, settings, meters: jobs.length, skipped: skipped.length, waves: rec.waves,
    });
    return this.view(rec);
  }

  private async resolveTarget(t: CampaignTarget): Promise<Meter[]> {
    let ids: Set<string> | undefined = t.meterIds ? new Set(t.meterIds) : undefined;
    if (t.gridArea !== undefined) {
      const inArea = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: Page<{ id: string }> = await this.store.listAccounts({ gridArea: t.gridArea }, { limit: 1000, cursor });
        for (const a of page.items) for (const as of await this.store.listAssignments(a.id, 0, Number.MAX_SAFE_INTEGER)) if (as.to === undefined) inArea.add(as.meterId);
        cursor = page.next;
      } while (cursor);
      ids = ids ? new Set([...ids].filter((i) => inArea.has(i))) : inArea;
    }
    const out: Meter[] = [];
    if (ids !== undefined && ids.size < 5000) {
      for (const id of [...ids].sort()) {
        const m = await this.store.getMeter(id);
        if (m && matchesTarget(m, t)) out.push(m);
      }
      return out;
    }
    let cursor: string | null = null;
    do {
      const page: Page<Meter> = await this.store.listMeters({
        ...(t.feederId !== undefined ? { feederId: t.feederId } : {}), ...(t.transformerId !== undefined ? { transformerId: t.transformerId } : {}),
      }, { limit: 5000, cursor });
      for (const m of page.items) if ((ids === undefined || ids.has(m.id)) && matchesTarget(m, t)) out.push(m);
      cursor = page.next;
    } while (cursor);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async listCampaigns(filter: { state?: FirmwareCampaignState }, page: PageRequest): Promise<Page<CampaignView>> {
    const p = await this.store.listFirmwareCampaigns(filter, page);
    return { ...p, items: await Promise.all(p.items.map((c) => this.view(c))) };
  }

  async getCampaign(id: string): Promise<CampaignView> {
    return this.view(await this.record(id));
  }

  async jobs(id: string, filter: { state?: FirmwareJobState; wave?: number }, page: PageRequest): Promise<Page<FirmwareJobRecord>> {
    await this.record(id);
    return this.store.listFirmwareJobs(id, filter, page);
  }

  async start(id: string, actor: string): Promise<CampaignView> {
    const c = await this.record(id);
    const state = transition(c.state, 'start', id);
    const at = this.now();
    const next: FirmwareCampaignRecord = c.waves === 0
      ? { ...c, state: 'completed', updatedAt: at, startedAt: at, finishedAt: at }
      : { ...c, state, updatedAt: at, startedAt: at };
    await this.store.putFirmwareCampaign(next);
    await this.audit(actor, 'firmware.campaign.start', `firmware-campaign:${id}`, { waves: c.waves, ...(next.state === 'completed' ? { completed: 'no meter to upgrade' } : {}) });
    this.runner?.wake();
    return this.view(next);
  }

  /** Stops new upgrades; the ones in flight stop at their next block and go back to pending (resume continues them). */
  async halt(id: string, actor: string): Promise<CampaignView> {
    const c = await this.record(id);
    const halt: HaltReason = { by: 'operator', at: this.now(), actor };
    const next: FirmwareCampaignRecord = { ...c, state: transition(c.state, 'halt', id), halt: JSON.stringify(halt), updatedAt: this.now() };
    await this.store.putFirmwareCampaign(next);
    this.runner?.abort(id);
    await this.audit(actor, 'firmware.campaign.halt', `firmware-campaign:${id}`, { wave: c.wave });
    return this.view(next);
  }

  async resume(id: string, actor: string): Promise<CampaignView> {
    const c = await this.record(id);
    const next: FirmwareCampaignRecord = { ...c, state: transition(c.state, 'resume', id), updatedAt: this.now() };
    await this.store.putFirmwareCampaign(next);
    await this.audit(actor, 'firmware.campaign.resume', `firmware-campaign:${id}`, { wave: c.wave });
    this.runner?.wake();
    return this.view(next);
  }

  /** Ends the campaign for good: in-flight upgrades stop at their next block, pending meters are skipped ('cancelled'). */
  async cancel(id: string, actor: string): Promise<CampaignView> {
    const c = await this.record(id);
    const next: FirmwareCampaignRecord = { ...c, state: transition(c.state, 'cancel', id), updatedAt: this.now(), finishedAt: this.now() };
    await this.store.putFirmwareCampaign(next);
    this.runner?.abort(id);
    await this.runner?.settled(id);
    let n = 0;
    for (;;) {
      const page = await this.store.listFirmwareJobs(id, { state: 'pending' }, { limit: 1000 });
      if (page.items.length === 0) break;
      await this.store.putFirmwareJobs(page.items.map((j) => ({ ...j, state: 'skipped', code: 'cancelled' })));
      n += page.items.length;
    }
    await this.audit(actor, 'firmware.campaign.cancel', `firmware-campaign:${id}`, { wave: c.wave, pendingSkipped: n });
    return this.view(next);
  }

  async record(id: string): Promise<FirmwareCampaignRecord> {
    const c = await this.store.getFirmwareCampaign(id);
    if (!c) throw new MeterstackError('FIRMWARE_CAMPAIGN_NOT_FOUND', `no firmware campaign ${id}`);
    return c;
  }

  async view(c: FirmwareCampaignRecord): Promise<CampaignView> {
    const image = await this.store.getFirmwareImage(c.imageId);
    const settings = JSON.parse(c.settings) as CampaignSettings;
    return {
      id: c.id, name: c.name, state: c.state,
      image: image
        ? { id: image.id, vendor: image.vendor, models: image.models, version: image.version, identifier: image.identifier, size: image.size }
        : { id: c.imageId, vendor: '', models: [], version: '', identifier: '', size: 0 },
      target: JSON.parse(c.target) as CampaignTarget, settings, wave: c.wave, waves: c.waves,
      ...(c.halt ? { halt: JSON.parse(c.halt) as HaltReason } : {}),
      createdAt: c.createdAt, createdBy: c.createdBy, updatedAt: c.updatedAt,
      ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}), ...(c.finishedAt !== undefined ? { finishedAt: c.finishedAt } : {}),
      progress: await this.progress(c, settings),
    };
  }

  private async progress(c: FirmwareCampaignRecord, settings: CampaignSettings): Promise<CampaignProgress> {
    const tally = await this.store.tallyFirmwareJobs(c.id);
    const counts = emptyCounts();
    const skipped: Record<string, number> = {};
    let total = 0, blocksDone = 0, blocksTotal = 0, seconds = 0, finishedTimed = 0;
    const waves = new Map<number, { size: number; succeeded: number; failed: number; open: number }>();
    for (const r of tally) {
      counts[r.state] += r.count;
      total += r.count;
      blocksDone += r.blocksDone;
      blocksTotal += r.blocksTotal;
      if (r.state === 'succeeded' || r.state === 'failed') { seconds += r.seconds; finishedTimed += r.count; }
      if (r.wave !== null) {
        const w = waves.get(r.wave) ?? { size: 0, succeeded: 0, failed: 0, open: 0 };
        w.size += r.count;
        if (r.state === 'succeeded') w.succeeded += r.count;
        else if (r.state === 'failed') w.failed += r.count;
        else if (r.state !== 'skipped') w.open += r.count;
        waves.set(r.wave, w);
      }
    }
    if (counts.skipped > 0) {
      let cursor: string | null = null;
      // Skip reasons: counted from the skipped jobs (few compared to the fleet).
      do {
        const page: Page<FirmwareJobRecord> = await this.store.listFirmwareJobs(c.id, { state: 'skipped' }, { limit: 5000, cursor });
        for (const j of page.items) skipped[j.code ?? 'other'] = (skipped[j.code ?? 'other'] ?? 0) + 1;
        cursor = page.next;
      } while (cursor);
    }
    const halt = c.halt ? JSON.parse(c.halt) as HaltReason : undefined;
    const waveResults: WaveResult[] = [...waves.entries()].sort((a, b) => a[0] - b[0]).map(([wave, w]) => {
      const finished = w.succeeded + w.failed;
      const done = w.open === 0 && (wave < c.wave || c.state === 'completed');
      return {
        wave, size: w.size, succeeded: w.succeeded, failed: w.failed, failedShare: finished === 0 ? 0 : w.failed / finished,
        verdict: done ? (halt?.by === 'threshold' && halt.wave === wave ? 'halted' : 'passed') : wave === c.wave && c.state !== 'draft' ? 'running' : 'pending',
      };
    });
    const open = counts.pending + IN_FLIGHT.reduce((n, s) => n + counts[s], 0);
    const eta = open === 0 || finishedTimed === 0 ? null : Math.round((seconds / finishedTimed) * open / Math.max(1, settings.concurrency));
    return {
      total, counts, skipped, blocks: { done: blocksDone, total: blocksTotal },
      done: total === 0 ? 1 : (counts.succeeded + counts.failed + counts.skipped) / total, waves: waveResults, etaSeconds: eta,
    };
  }

  // ── runner ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Starts the background runner with the paths to meters, in order of preference. Running
   * campaigns (also ones left running by an earlier process) continue.
   */
  startRunner(paths: readonly FirmwarePath[], opts: RunnerOptions = {}): FirmwareRunner {
    if (this.runner) throw new MeterstackError('CONFIG_INVALID', 'the firmware runner is running already');
    this.runner = new FirmwareRunner(this, this.store, this.now, paths, opts);
    this.runner.start();
    return this.runner;
  }

  /** Stops the runner; upgrades in flight stop at their next block and stay pending for the next start. */
  async stopRunner(): Promise<void> {
    const r = this.runner;
    this.runner = undefined;
    await r?.stop();
  }

  /** @internal the runner's write of a campaign's wave outcome. */
  async finishWave(c: FirmwareCampaignRecord, failedShare: number, settings: CampaignSettings): Promise<FirmwareCampaignRecord> {
    const at = this.now();
    if (c.wave >= c.waves) {
      // Resumed after the last wave halted it: nothing is left to run.
      const next: FirmwareCampaignRecord = { ...c, state: transition(c.state, 'complete', c.id), updatedAt: at, finishedAt: at };
      await this.store.putFirmwareCampaign(next);
      await this.audit('firmware-runner', 'firmware.campaign.complete', `firmware-campaign:${c.id}`, { waves: c.waves });
      return next;
    }
    const results = [...(JSON.parse(c.results) as unknown[]), { wave: c.wave, failedShare, at }];
    if (failedShare > settings.threshold) {
      const halt: HaltReason = { by: 'threshold', at, wave: c.wave, failedShare };
      const next: FirmwareCampaignRecord = { ...c, state: transition(c.state, 'threshold', c.id), wave: c.wave + 1, halt: JSON.stringify(halt), results: JSON.stringify(results), updatedAt: at };
      await this.store.putFirmwareCampaign(next);
      await this.audit('firmware-runner', 'firmware.campaign.halt', `firmware-campaign:${c.id}`, { by: 'threshold', wave: c.wave, failedShare, threshold: settings.threshold });
      return next;
    }
    if (c.wave + 1 >= c.waves) {
      const next: FirmwareCampaignRecord = { ...c, state: transition(c.state, 'complete', c.id), wave: c.wave + 1, results: JSON.stringify(results), updatedAt: at, finishedAt: at };
      await this.store.putFirmwareCampaign(next);
      await this.audit('firmware-runner', 'firmware.campaign.complete', `firmware-campaign:${c.id}`, { waves: c.waves });
      return next;
    }
    const next: FirmwareCampaignRecord = { ...c, wave: c.wave + 1, results: JSON.stringify(results), updatedAt: at };
    await this.store.putFirmwareCampaign(next);
    await this.audit('firmware-runner', 'firmware.campaign.wave', `firmware-campaign:${c.id}`, { wave: c.wave, failedShare, next: c.wave + 1 });
    return next;
  }

  /** @internal the runner's record of a meter now running the image. */
  async upgraded(campaignId: string, meter: Meter, version: string): Promise<void> {
    const current = await this.store.getMeter(meter.id) ?? meter;
    await this.store.upsertMeters([{ ...current, firmware: version }]);
    await this.audit('firmware-runner', 'firmware.meter.upgraded', `meter:${meter.id}`, { campaign: campaignId, from: current.firmware ?? null, to: version });
  }

  /** @internal */
  async jobFailed(campaignId: string, meterId: string, code: string, message: string): Promise<void> {
    await this.audit('firmware-runner', 'firmware.job.failed', `meter:${meterId}`, { campaign: campaignId, code, message });
  }
}

function checkText(v: unknown, name: string, code: 'FIRMWARE_IMAGE_INVALID' | 'FIRMWARE_KEY_INVALID' | 'FIRMWARE_CAMPAIGN_INVALID' = 'FIRMWARE_IMAGE_INVALID', max = 200): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) throw new MeterstackError(code, `${name} must be a string of 1–${max} characters`);
  return v.trim();
}
