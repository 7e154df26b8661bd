import type Database from 'better-sqlite3';
import { MeterstackError } from '../../model/index.ts';
import type {
  FirmwareCampaignRecord, FirmwareCampaignState, FirmwareImageRecord, FirmwareJobFilter, FirmwareJobRecord, FirmwareJobTally, FirmwareKeyRecord,
  Page, PageRequest,
} from '../store.port.ts';
import { cursorNumber, pageLimit, pageOf } from '../common/paging.ts';

interface KeyRow { id: string; vendor: string; algorithm: FirmwareKeyRecord['algorithm']; public_key: string; label: string | null; created_at: number; created_by: string }
interface ImageRow {
  id: string; vendor: string; models: string; version: string; identifier: string; size: number; sha256: string; key_id: string; signature: string;
  created_at: number; created_by: string; rn: number;
}
interface CampaignRow {
  id: string; name: string; image_id: string; state: FirmwareCampaignState; wave: number; waves: number; target: string; settings: string;
  halt: string | null; results: string; created_at: number; created_by: string; updated_at: number; started_at: number | null; finished_at: number | null; seq: number;
}
interface JobRow {
  campaign_id: string; meter_id: string; wave: number | null; seq: number; state: FirmwareJobRecord['state']; from_version: string | null;
  code: string | null; message: string | null; path: string | null; blocks_done: number; blocks_total: number; attempts: number;
  started_at: number | null; finished_at: number | null;
}

const toKey = (r: KeyRow): FirmwareKeyRecord => ({
  id: r.id, vendor: r.vendor, algorithm: r.algorithm, publicKey: r.public_key, ...(r.label !== null ? { label: r.label } : {}),
  createdAt: r.created_at, createdBy: r.created_by,
});
const toImage = (r: ImageRow): FirmwareImageRecord => ({
  id: r.id, vendor: r.vendor, models: JSON.parse(r.models) as string[], version: r.version, identifier: r.identifier, size: r.size, sha256: r.sha256,
  keyId: r.key_id, signature: r.signature, createdAt: r.created_at, createdBy: r.created_by,
});
const toCampaign = (r: CampaignRow): FirmwareCampaignRecord => ({
  id: r.id, name: r.name, imageId: r.image_id, state: r.state, wave: r.wave, waves: r.waves, target: r.target, settings: r.settings,
  ...(r.halt !== null ? { halt: r.halt } : {}), results: r.results, createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at,
  ...(r.started_at !== null ? { startedAt: r.started_at } : {}), ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
});
const toJob = (r: JobRow): FirmwareJobRecord => ({
  campaignId: r.campaign_id, meterId: r.meter_id, ...(r.wave !== null ? { wave: r.wave } : {}), seq: r.seq, state: r.state,
  ...(r.from_version !== null ? { fromVersion: r.from_version } : {}), ...(r.code !== null ? { code: r.code } : {}),
  ...(r.message !== null ? { message: r.message } : {}), ...(r.path !== null ? { path: r.path } : {}),
  blocksDone: r.blocks_done, blocksTotal: r.blocks_total, attempts: r.attempts,
  ...(r.started_at !== null ? { startedAt: r.started_at } : {}), ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
});

/** Firmware signing keys, images (bytes as a BLOB), campaigns and their per-meter jobs (migration 007). */
export class FirmwareTables {
  private readonly insertKey;
  private readonly insertImage;
  private readonly imageById;
  private readonly imageBytes;
  private readonly upsertCampaign;
  private readonly campaignById;
  private readonly upsertJob;
  private readonly jobByKey;

  constructor(private readonly db: Database.Database) {
    this.insertKey = db.prepare('INSERT INTO firmware_keys (id, vendor, algorithm, public_key, label, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertImage = db.prepare(
      `INSERT INTO firmware_images (id, vendor, models, version, identifier, size, sha256, key_id, signature, bytes, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.imageById = db.prepare<[string], ImageRow>('SELECT *, rowid AS rn FROM firmware_images WHERE id = ?');
    this.imageBytes = db.prepare<[string], Buffer>('SELECT bytes FROM firmware_images WHERE id = ?').pluck();
    this.upsertCampaign = db.prepare(
      `INSERT INTO firmware_campaigns (id, name, image_id, state, wave, waves, target, settings, halt, results, created_at, created_by, updated_at, started_at, finished_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM firmware_campaigns))
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, state = excluded.state, wave = excluded.wave, waves = excluded.waves,
         target = excluded.target, settings = excluded.settings, halt = excluded.halt, results = excluded.results, updated_at = excluded.updated_at,
         started_at = excluded.started_at, finished_at = excluded.finished_at`,
    );
    this.campaignById = db.prepare<[string], CampaignRow>('SELECT * FROM firmware_campaigns WHERE id = ?');
    this.upsertJob = db.prepare(
      `INSERT OR REPLACE INTO firmware_jobs (campaign_id, meter_id, wave, seq, state, from_version, code, message, path, blocks_done, blocks_total, attempts, started_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.jobByKey = db.prepare<[string, string], JobRow>('SELECT * FROM firmware_jobs WHERE campaign_id = ? AND meter_id = ?');
  }

  putKey(k: FirmwareKeyRecord): void {
    try {
      this.insertKey.run(k.id, k.vendor, k.algorithm, k.publicKey, k.label ?? null, k.createdAt, k.createdBy);
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new MeterstackError('FIRMWARE_KEY_EXISTS', `signing key ${k.id} is registered already`);
      throw e;
    }
  }

  listKeys(vendor?: string): FirmwareKeyRecord[] {
    const rows = vendor === undefined
      ? this.db.prepare<[], KeyRow>('SELECT * FROM firmware_keys ORDER BY vendor, id').all()
      : this.db.prepare<[string], KeyRow>('SELECT * FROM firmware_keys WHERE vendor = ? ORDER BY id').all(vendor);
    return rows.map(toKey);
  }

  putImage(i: FirmwareImageRecord, bytes: Uint8Array): void {
    try {
      this.insertImage.run(i.id, i.vendor, JSON.stringify(i.models), i.version, i.identifier, i.size, i.sha256, i.keyId, i.signature,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), i.createdAt, i.createdBy);
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new MeterstackError('FIRMWARE_IMAGE_EXISTS', `an image with id ${i.id} or sha256 ${i.sha256} is stored already`);
      }
      throw e;
    }
  }

  getImage(id: string): FirmwareImageRecord | undefined {
    const r = this.imageById.get(id);
    return r ? toImage(r) : undefined;
  }

  getImageBytes(id: string): Uint8Array | undefined {
    const b = this.imageBytes.get(id);
    return b === undefined ? undefined : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  listImages(page: PageRequest): Page<FirmwareImageRecord> {
    const limit = pageLimit(page.limit);
    const before = page.cursor ? cursorNumber(page.cursor) : Number.MAX_SAFE_INTEGER;
    const total = (this.db.prepare('SELECT count(*) AS n FROM firmware_images').get() as { n: number }).n;
    const rows = this.db.prepare<[number, number], ImageRow>(
      `SELECT id, vendor, models, version, identifier, size, sha256, key_id, signature, created_at, created_by, rowid AS rn
       FROM firmware_images WHERE rowid < ? ORDER BY rowid DESC LIMIT ?`,
    ).all(before, limit + 1);
    return pageOf(rows, limit, total, toImage, (r) => r.rn);
  }

  putCampaign(c: FirmwareCampaignRecord): void {
    this.upsertCampaign.run(c.id, c.name, c.imageId, c.state, c.wave, c.waves, c.target, c.settings, c.halt ?? null, c.results, c.createdAt, c.createdBy,
      c.updatedAt, c.startedAt ?? null, c.finishedAt ?? null);
  }

  getCampaign(id: string): FirmwareCampaignRecord | undefined {
    const r = this.campaignById.get(id);
    return r ? toCampaign(r) : undefined;
  }

  listCampaigns(filter: { readonly state?: FirmwareCampaignState }, page: PageRequest): Page<FirmwareCampaignRecord> {
    const limit = pageLimit(page.limit);
    const before = page.cursor ? cursorNumber(page.cursor) : Number.MAX_SAFE_INTEGER;
    const where = filter.state !== undefined ? 'WHERE state = @state' : '';
    const params = { state: filter.state ?? null, before, limit: limit + 1 };
    const count = this.db.prepare(`SELECT count(*) AS n FROM firmware_campaigns ${where}`);
    const total = (filter.state !== undefined ? count.get({ state: filter.state }) : count.get()) as { n: number };
    const rows = this.db.prepare<[typeof params], CampaignRow>(
      `SELECT * FROM firmware_campaigns WHERE seq < @before ${filter.state !== undefined ? 'AND state = @state' : 'AND @state IS NULL'} ORDER BY seq DESC LIMIT @limit`,
    ).all(params);
    return pageOf(rows, limit, total.n, toCampaign, (r) => r.seq);
  }

  putJobs(jobs: readonly FirmwareJobRecord[]): void {
    for (const j of jobs) {
      this.upsertJob.run(j.campaignId, j.meterId, j.wave ?? null, j.seq, j.state, j.fromVersion ?? null, j.code ?? null, j.message ?? null, j.path ?? null,
        j.blocksDone, j.blocksTotal, j.attempts, j.startedAt ?? null, j.finishedAt ?? null);
    }
  }

  getJob(campaignId: string, meterId: string): FirmwareJobRecord | undefined {
    const r = this.jobByKey.get(campaignId, meterId);
    return r ? toJob(r) : undefined;
  }

  listJobs(campaignId: string, filter: FirmwareJobFilter, page: PageRequest): Page<FirmwareJobRecord> {
    const limit = pageLimit(page.limit);
    const after = page.cursor ? cursorNumber(page.cursor) : -1;
    const conds = ['campaign_id = @campaignId'];
    if (filter.state !== undefined) conds.push('state = @state');
    if (filter.wave !== undefined) conds.push('wave = @wave');
    const params = { campaignId, state: filter.state ?? null, wave: filter.wave ?? null };
    const where = conds.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM firmware_jobs WHERE ${where}`).get(strip(params)) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM firmware_jobs WHERE ${where} AND seq > @after ORDER BY seq LIMIT @limit`)
      .all({ ...strip(params), after, limit: limit + 1 }) as JobRow[];
    return pageOf(rows, limit, total, toJob, (r) => r.seq);
  }

  tally(campaignId: string): FirmwareJobTally[] {
    return this.db.prepare<[string], FirmwareJobTally>(
      `SELECT wave, state, count(*) AS count, coalesce(sum(blocks_done), 0) AS blocksDone, coalesce(sum(blocks_total), 0) AS blocksTotal,
         coalesce(sum(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN finished_at - started_at ELSE 0 END), 0) AS seconds
       FROM firmware_jobs WHERE campaign_id = ? GROUP BY wave, state ORDER BY wave, state`,
    ).all(campaignId);
  }
}

/** better-sqlite3 refuses named parameters the statement does not use. */
function strip(p: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null));
}
