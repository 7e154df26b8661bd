import { isMeterstackError, type FirmwareImageBytes, type FirmwarePath, type Meter, type UpgradeProgress } from '../../model/index.ts';
import type { FirmwareCampaignRecord, FirmwareJobRecord, FirmwareJobState } from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';
import { type CampaignSettings, IN_FLIGHT, inWindow } from './campaign.rules.ts';
import type { FirmwarePorts } from './ports.ts';

/** What the runner asks of the service: image bytes and the writes that also go to the audit log. */
export interface RunnerHost {
  imageBytes(id: string): Promise<FirmwareImageBytes>;
  finishWave(c: FirmwareCampaignRecord, failedShare: number, settings: CampaignSettings): Promise<FirmwareCampaignRecord>;
  upgraded(campaignId: string, meter: Meter, version: string): Promise<void>;
  jobFailed(campaignId: string, meterId: string, code: string, message: string): Promise<void>;
}

export interface RunnerOptions {
  /** How often running campaigns are looked for and a waiting campaign re-checks its state and window (ms, default 1000). */
  readonly pollMs?: number;
  /** A job's block count is written at most this often while it transfers (ms, default 1000). */
  readonly saveEveryMs?: number;
  readonly log?: (msg: string) => void;
}

interface InFlight {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

const STEP_STATE: Record<UpgradeProgress['step'], FirmwareJobState> = { transfer: 'transferring', verify: 'verifying', activate: 'activating' };

/**
 * The background runner of firmware campaigns: one loop per running campaign starts the pending
 * jobs of the current wave up to the concurrency limit (inside the time window), judges each wave
 * once it is through (failed share over the threshold halts the campaign), and moves on. Halting
 * (here or by another process: the loop re-reads the campaign) aborts in-flight upgrades through
 * their AbortSignal; they go back to pending with their block count, and the path resumes them.
 */
export class FirmwareRunner {
  private readonly loops = new Map<string, Promise<void>>();
  private readonly inflight = new Map<string, Map<string, InFlight>>();
  private readonly images = new Map<string, FirmwareImageBytes>();
  /** Meters with an upgrade in flight, of any campaign: a meter takes one image at a time. */
  private readonly busy = new Set<string>();
  private wakers: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pollMs: number;
  private readonly saveEveryMs: number;

  constructor(
    private readonly service: RunnerHost,
    private readonly store: FirmwarePorts,
    private readonly now: Clock,
    private readonly paths: readonly FirmwarePath[],
    private readonly opts: RunnerOptions,
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.saveEveryMs = opts.saveEveryMs ?? 1000;
  }

  /** Whether any path reaches the meter. */
  reaches(m: Meter): boolean {
    return this.paths.some((p) => p.reaches(m));
  }

  start(): void {
    const scan = (): void => {
      if (this.stopped) return;
      void this.scan().catch((e: unknown) => this.opts.log?.(`firmware: ${(e as Error).message}`))
        .finally(() => { if (!this.stopped) this.timer = setTimeout(scan, this.pollMs); });
    };
    scan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const id of this.inflight.keys()) this.abort(id);
    this.wake();
    await Promise.all([...this.loops.values()]);
  }

  /** Wakes every waiting loop (a campaign was started, resumed, halted). */
  wake(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
    if (!this.stopped) void this.scan().catch(() => undefined);
  }

  abort(campaignId: string): void {
    for (const f of this.inflight.get(campaignId)?.values() ?? []) f.controller.abort();
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  /** Resolves when no upgrade of the campaign is in flight any more. */
  async settled(campaignId: string): Promise<void> {
    await Promise.all([...(this.inflight.get(campaignId)?.values() ?? [])].map((f) => f.done));
  }

  private async scan(): Promise<void> {
    const running = await this.store.listFirmwareCampaigns({ state: 'running' }, { limit: 1000 });
    for (const c of running.items) {
      if (this.loops.has(c.id) || this.stopped) continue;
      const loop = this.drive(c.id).catch((e: unknown) => this.opts.log?.(`firmware: campaign ${c.id}: ${(e as Error).message}`))
        .finally(() => this.loops.delete(c.id));
      this.loops.set(c.id, loop);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wakers = this.wakers.filter((w) => w !== done); resolve(); }, ms);
      const done = (): void => { clearTimeout(t); resolve(); };
      this.wakers.push(done);
    });
  }

  private async drive(id: string): Promise<void> {
    const flights = new Map<string, InFlight>();
    this.inflight.set(id, flights);
    try {
      // A process that died mid-upgrade left jobs in flight: they are pending again (the path resumes the transfer).
      for (const state of IN_FLIGHT) {
        const stale = await this.store.listFirmwareJobs(id, { state }, { limit: 10_000 });
        if (stale.items.length > 0) await this.store.putFirmwareJobs(stale.items.map((j) => ({ ...j, state: 'pending' as const })));
      }
      for (;;) {
        const c = await this.store.getFirmwareCampaign(id);
        if (this.stopped || !c || c.state !== 'running') {
          for (const f of flights.values()) f.controller.abort();
          await Promise.all([...flights.values()].map((f) => f.done));
          return;
        }
        const settings = JSON.parse(c.settings) as CampaignSettings;
        const free = settings.concurrency - flights.size;
        let pendingLeft = 0;
        if (free > 0) {
          const pending = await this.store.listFirmwareJobs(id, { state: 'pending', wave: c.wave }, { limit: settings.concurrency + flights.size });
          const next = pending.items.filter((j) => !flights.has(j.meterId) && !this.busy.has(j.meterId));
          pendingLeft = next.length;
          if (inWindow(settings.window, this.now())) {
            for (const job of next.slice(0, free)) this.launch(c, job, flights);
          }
        } else {
          pendingLeft = 1;
        }
        if (flights.size === 0 && pendingLeft === 0) {
          const wave = await this.waveOutcome(id, c.wave);
          if (wave.open > 0) { await this.sleep(this.pollMs); continue; }
          await this.service.finishWave(c, wave.failedShare, settings);
          continue;
        }
        await Promise.race([this.sleep(this.pollMs), ...[...flights.values()].map((f) => f.done)]);
      }
    } finally {
      this.inflight.delete(id);
    }
  }

  private async waveOutcome(id: string, wave: number): Promise<{ open: number; failedShare: number }> {
    let succeeded = 0, failed = 0, open = 0;
    for (const r of await this.store.tallyFirmwareJobs(id)) {
      if (r.wave !== wave) continue;
      if (r.state === 'succeeded') succeeded += r.count;
      else if (r.state === 'failed') failed += r.count;
      else if (r.state !== 'skipped') open += r.count;
    }
    return { open, failedShare: succeeded + failed === 0 ? 0 : failed / (succeeded + failed) };
  }

  private launch(c: FirmwareCampaignRecord, job: FirmwareJobRecord, flights: Map<string, InFlight>): void {
    const controller = new AbortController();
    this.busy.add(job.meterId);
    const done = this.run(c, job, controller.signal).catch((e: unknown) => this.opts.log?.(`firmware: ${job.meterId}: ${(e as Error).message}`))
      .finally(() => { flights.delete(job.meterId); this.busy.delete(job.meterId); });
    flights.set(job.meterId, { controller, done });
  }

  private async image(id: string): Promise<FirmwareImageBytes> {
    let i = this.images.get(id);
    if (!i) {
      i = await this.service.imageBytes(id);
      this.images.set(id, i);
    }
    return i;
  }

  private async run(c: FirmwareCampaignRecord, job: FirmwareJobRecord, signal: AbortSignal): Promise<void> {
    let j: FirmwareJobRecord = { ...job, state: 'transferring', attempts: job.attempts + 1, startedAt: job.startedAt ?? this.now() };
    const { code: _c, message: _m, ...clean } = j;
    j = clean;
    await this.store.putFirmwareJobs([j]);
    const meter = await this.store.getMeter(job.meterId);
    if (!meter || meter.status === 'removed') {
      await this.store.putFirmwareJobs([{ ...j, state: 'skipped', code: 'meter-removed', finishedAt: this.now() }]);
      return;
    }
    const path = this.paths.find((p) => p.reaches(meter));
    if (!path) {
      await this.store.putFirmwareJobs([{ ...j, state: 'skipped', code: 'no-path', finishedAt: this.now() }]);
      return;
    }
    j = { ...j, path: path.name };
    const image = await this.image(c.imageId);
    let lastSave = 0;
    let saving = Promise.resolve();
    const progress = (p: UpgradeProgress): void => {
      const state = STEP_STATE[p.step];
      const blocks = p.step === 'transfer' ? { blocksDone: p.done, blocksTotal: p.total } : {};
      const changed = state !== j.state;
      j = { ...j, state, ...blocks };
      const t = Date.now();
      if (changed || t - lastSave >= this.saveEveryMs) {
        lastSave = t;
        const snapshot = j;
        saving = saving.then(() => this.store.putFirmwareJobs([snapshot])).catch(() => undefined);
      }
    };
    try {
      const r = await path.upgrade(meter, image, progress, signal);
      await saving;
      if (r.version !== image.version) {
        const message = `after activation the meter reports version ${r.version}, not ${image.version}`;
        await this.store.putFirmwareJobs([{ ...j, state: 'failed', code: 'FIRMWARE_ACTIVATE_FAILED', message, finishedAt: this.now() }]);
        await this.service.jobFailed(c.id, meter.id, 'FIRMWARE_ACTIVATE_FAILED', message);
        return;
      }
      await this.store.putFirmwareJobs([{ ...j, state: 'succeeded', blocksDone: j.blocksTotal, finishedAt: this.now() }]);
      await this.service.upgraded(c.id, meter, r.version);
    } catch (e) {
      await saving;
      if (signal.aborted) {
        // Halted, cancelled or shutting down: back to pending with the blocks it has; the path resumes from there.
        await this.store.putFirmwareJobs([{ ...j, state: 'pending', message: `stopped at block ${j.blocksDone} of ${j.blocksTotal}` }]);
        return;
      }
      const code = isMeterstackError(e) ? e.code : 'INTERNAL';
      const message = (e as Error).message;
      await this.store.putFirmwareJobs([{ ...j, state: 'failed', code, message, finishedAt: this.now() }]);
      await this.service.jobFailed(c.id, meter.id, code, message);
    }
  }
}
