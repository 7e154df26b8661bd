import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api.ts';
import { useFormat } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

type CampaignState = 'draft' | 'running' | 'halted' | 'completed' | 'cancelled';
type JobState = 'pending' | 'transferring' | 'verifying' | 'activating' | 'succeeded' | 'failed' | 'skipped';
const JOB_STATES: readonly JobState[] = ['pending', 'transferring', 'verifying', 'activating', 'succeeded', 'failed', 'skipped'];

interface Image { id: string; vendor: string; models: string[]; version: string; identifier: string; size: number; createdAt: string }
interface Wave { wave: number; size: number; succeeded: number; failed: number; failedShare: number; verdict: 'running' | 'pending' | 'passed' | 'halted' }
interface Campaign {
  id: string; name: string; state: CampaignState; image: Omit<Image, 'createdAt'>; wave: number; waves: number;
  target: Record<string, unknown>; settings: { canary: number; batch: number; threshold: number; concurrency: number; window?: { zone: string; from: string; to: string } };
  halt?: { by: 'operator' | 'threshold'; at: string; actor?: string; wave?: number; failedShare?: number };
  createdAt: string; createdBy: string; startedAt?: string; finishedAt?: string;
  progress: { total: number; counts: Record<JobState, number>; skipped: Record<string, number>; blocks: { done: number; total: number }; done: number; waves: Wave[]; etaSeconds: number | null };
}
interface Job { meterId: string; wave?: number; state: JobState; code?: string; message?: string; fromVersion?: string; blocksDone: number; blocksTotal: number; finishedAt?: string }

/** While something runs the page asks every POLL_MS; otherwise every IDLE_MS. */
const POLL_MS = 2000;
const IDLE_MS = 15_000;

function usePoll(active: boolean): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), active ? POLL_MS : IDLE_MS);
    return () => clearInterval(timer);
  }, [active]);
  return tick;
}

export function FirmwarePage({ id }: { id?: string }) {
  return id ? <CampaignDetail id={id} /> : <CampaignList />;
}

function StateBadge({ state }: { state: CampaignState }) {
  const { t } = useTranslation();
  return <span className={`badge fw-${state}`} data-testid="campaign-state">{t(`firmware.states.${state}`)}</span>;
}

function Bar({ c }: { c: Campaign }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <progress max={1} value={c.progress.done} aria-label={t('firmware.progressOf', { name: c.name })} />{' '}
      <span>{f.percent(c.progress.done, 0)}</span>
    </>
  );
}

function CampaignList() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const [tick, setTick] = useState(0);
  const list = useAsync((signal) => api.get<Page<Campaign>>('/firmware/campaigns', { limit: 100 }, signal), [tick]);
  const running = list.data?.items.some((c) => c.state === 'running') ?? false;
  const poll = usePoll(running);
  useEffect(() => setTick((n) => n + 1), [poll]);
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="fw-title">
      <h1 id="fw-title">{t('firmware.title')}</h1>
      <p className="muted">{t('firmware.intro')}</p>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <p role="status">{t('common.loading')}</p>}
      {list.data && (items.length === 0 ? <p>{t('firmware.noCampaigns')}</p> : (
        <div className="table-wrap">
          <table data-testid="campaign-table">
            <caption>{t('firmware.campaigns')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('firmware.name')}</th><th scope="col">{t('firmware.image')}</th><th scope="col">{t('firmware.state')}</th>
                <th scope="col">{t('firmware.progress')}</th><th scope="col">{t('firmware.jobStates.succeeded')}</th><th scope="col">{t('firmware.jobStates.failed')}</th>
                <th scope="col">{t('firmware.created')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <th scope="row"><Link href={`/firmware/${encodeURIComponent(c.id)}`}>{c.name}</Link></th>
                  <td>{c.image.vendor} {c.image.version}</td>
                  <td><StateBadge state={c.state} /></td>
                  <td><Bar c={c} /></td>
                  <td>{f.num(c.progress.counts.succeeded)}</td>
                  <td>{f.num(c.progress.counts.failed)}</td>
                  <td>{f.dateTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {can(session, 'firmware:write') && <NewCampaign />}
    </section>
  );
}

const csv = (s: string): string[] => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

function NewCampaign() {
  const { t } = useTranslation();
  const f = useFormat();
  const images = useAsync((signal) => api.get<Page<Image>>('/firmware/images', { limit: 100 }, signal), []);
  const [imageId, setImageId] = useState('');
  const [name, setName] = useState('');
  const [vendor, setVendor] = useState('');
  const [models, setModels] = useState('');
  const [versions, setVersions] = useState('');
  const [feeder, setFeeder] = useState('');
  const [transformer, setTransformer] = useState('');
  const [meters, setMeters] = useState('');
  const [canary, setCanary] = useState('5');
  const [batch, setBatch] = useState('50');
  const [threshold, setThreshold] = useState('10');
  const [concurrency, setConcurrency] = useState('10');
  const [zone, setZone] = useState('');
  const [from, setFrom] = useState('22:00');
  const [to, setTo] = useState('05:00');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const image = images.data?.items.find((i) => i.id === imageId);
  // The first image is chosen, and the target follows the chosen image: two clicks make a campaign.
  useEffect(() => {
    const first = images.data?.items[0];
    if (first && imageId === '') setImageId(first.id);
  }, [images.data, imageId]);
  useEffect(() => {
    if (!image) return;
    setVendor(image.vendor);
    setModels(image.models.join(', '));
  }, [image]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const target = {
        ...(vendor ? { vendor } : {}), ...(csv(models).length ? { models: csv(models) } : {}), ...(csv(versions).length ? { firmware: csv(versions) } : {}),
        ...(feeder ? { feederId: feeder } : {}), ...(transformer ? { transformerId: transformer } : {}), ...(csv(meters).length ? { meterIds: csv(meters) } : {}),
      };
      const c = await api.post<Campaign>('/firmware/campaigns', {
        imageId, ...(name ? { name } : {}), target, canary: Number(canary), batch: Number(batch), threshold: Number(threshold) / 100, concurrency: Number(concurrency),
        ...(zone ? { window: { zone, from, to } } : {}),
      });
      navigate(`/firmware/${encodeURIComponent(c.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card fw-form" onSubmit={(e) => void submit(e)} aria-labelledby="fw-new-title">
      <h2 id="fw-new-title">{t('firmware.new.title')}</h2>
      <ErrorNote error={images.error} />
      {images.data && images.data.items.length === 0 && <p>{t('firmware.new.noImages')}</p>}
      <div className="inline">
        <label htmlFor="fw-image">{t('firmware.image')}</label>
        <select id="fw-image" value={imageId} required onChange={(e) => setImageId(e.target.value)}>
          {(images.data?.items ?? []).map((i) => (
            <option key={i.id} value={i.id}>{t('firmware.new.imageOption', { vendor: i.vendor, version: i.version, models: i.models.join(', '), size: f.num(i.size) })}</option>
          ))}
        </select>
        <label htmlFor="fw-name">{t('firmware.name')}</label>
        <input id="fw-name" value={name} maxLength={200} placeholder={image ? `${image.vendor} ${image.version}` : ''} onChange={(e) => setName(e.target.value)} />
      </div>
      <fieldset>
        <legend>{t('firmware.new.target')}</legend>
        <p className="muted">{t('firmware.new.targetHint')}</p>
        <div className="inline">
          <label htmlFor="fw-vendor">{t('firmware.new.vendor')}</label>
          <input id="fw-vendor" value={vendor} onChange={(e) => setVendor(e.target.value)} />
          <label htmlFor="fw-models">{t('firmware.new.models')}</label>
          <input id="fw-models" value={models} onChange={(e) => setModels(e.target.value)} />
          <label htmlFor="fw-versions">{t('firmware.new.versions')}</label>
          <input id="fw-versions" value={versions} onChange={(e) => setVersions(e.target.value)} />
        </div>
        <div className="inline">
          <label htmlFor="fw-feeder">{t('firmware.new.feeder')}</label>
          <input id="fw-feeder" value={feeder} onChange={(e) => setFeeder(e.target.value)} />
          <label htmlFor="fw-transformer">{t('firmware.new.transformer')}</label>
          <input id="fw-transformer" value={transformer} onChange={(e) => setTransformer(e.target.value)} />
        </div>
        <label htmlFor="fw-meters">{t('firmware.new.meters')}</label>
        <textarea id="fw-meters" rows={2} value={meters} aria-describedby="fw-meters-hint" onChange={(e) => setMeters(e.target.value)} />
        <p id="fw-meters-hint" className="muted">{t('firmware.new.metersHint')}</p>
      </fieldset>
      <fieldset>
        <legend>{t('firmware.new.waves')}</legend>
        <div className="inline">
          <label htmlFor="fw-canary">{t('firmware.new.canary')}</label>
          <input id="fw-canary" type="number" min={1} max={10000} required value={canary} onChange={(e) => setCanary(e.target.value)} />
          <label htmlFor="fw-batch">{t('firmware.new.batch')}</label>
          <input id="fw-batch" type="number" min={1} max={100000} required value={batch} onChange={(e) => setBatch(e.target.value)} />
          <label htmlFor="fw-threshold">{t('firmware.new.threshold')}</label>
          <input id="fw-threshold" type="number" min={0} max={100} step={1} required value={threshold} onChange={(e) => setThreshold(e.target.value)} />
          <label htmlFor="fw-concurrency">{t('firmware.new.concurrency')}</label>
          <input id="fw-concurrency" type="number" min={1} max={1000} required value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('firmware.new.window')}</legend>
        <p className="muted">{t('firmware.new.windowHint')}</p>
        <div className="inline">
          <label htmlFor="fw-zone">{t('firmware.new.zone')}</label>
          <input id="fw-zone" value={zone} placeholder="Europe/Amsterdam" onChange={(e) => setZone(e.target.value)} />
          <label htmlFor="fw-from">{t('firmware.new.from')}</label>
          <input id="fw-from" type="time" value={from} onChange={(e) => setFrom(e.target.value)} />
          <label htmlFor="fw-to">{t('firmware.new.to')}</label>
          <input id="fw-to" type="time" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
      </fieldset>
      <ErrorNote error={error} />
      <button type="submit" disabled={busy || !imageId}>{t('firmware.new.submit')}</button>
    </form>
  );
}

type Action = 'start' | 'halt' | 'resume' | 'cancel';
const ACTIONS: Record<CampaignState, Action[]> = { draft: ['start', 'cancel'], running: ['halt', 'cancel'], halted: ['resume', 'cancel'], completed: [], cancelled: [] };

/** A modal confirmation (the browser's <dialog>: focus moves in, Escape closes it). */
function Confirm({ action, name, onYes, onNo }: { action: Action; name: string; onYes: () => void; onNo: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="fw-confirm-title" aria-describedby="fw-confirm-text" onCancel={onNo} data-testid="confirm">
      <h2 id="fw-confirm-title">{t(`firmware.actions.${action}`)}</h2>
      <p id="fw-confirm-text">{t(`firmware.confirm.${action}`, { name })}</p>
      <div className="actions">
        <button type="button" onClick={onYes}>{t('firmware.confirm.yes', { action: t(`firmware.actions.${action}`) })}</button>
        <button type="button" onClick={onNo}>{t('firmware.confirm.no')}</button>
      </div>
    </dialog>
  );
}

function duration(s: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (s < 90) return t('firmware.seconds', { value: Math.max(1, Math.round(s)) });
  if (s < 5400) return t('firmware.minutes', { value: Math.round(s / 60) });
  return t('firmware.hours', { value: Math.round(s / 360) / 10 });
}

function CampaignDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const [tick, setTick] = useState(0);
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const detail = useAsync((signal) => api.get<Campaign>(`/firmware/campaigns/${encodeURIComponent(id)}`, {}, signal), [id, tick]);
  const failed = useAsync((signal) => api.get<Page<Job>>(`/firmware/campaigns/${encodeURIComponent(id)}/jobs`, { state: 'failed', limit: 200 }, signal), [id, tick]);
  const c = detail.data;
  const inFlight = c ? c.progress.counts.transferring + c.progress.counts.verifying + c.progress.counts.activating : 0;
  const poll = usePoll(c?.state === 'running' || inFlight > 0);
  useEffect(() => setTick((n) => n + 1), [poll]);

  const act = async (action: Action) => {
    setConfirm(null);
    setActionError(null);
    try {
      await api.post<Campaign>(`/firmware/campaigns/${encodeURIComponent(id)}/${action}`, {});
      setTick((n) => n + 1);
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <section aria-labelledby="fw-detail-title">
      <p><Link href="/firmware">{t('firmware.back')}</Link></p>
      <h1 id="fw-detail-title">{c ? c.name : t('firmware.title')}</h1>
      <ErrorNote error={detail.error} />
      {detail.loading && !c && <p role="status">{t('common.loading')}</p>}
      {c && (
        <>
          <dl className="facts">
            <dt>{t('firmware.state')}</dt><dd><StateBadge state={c.state} /></dd>
            <dt>{t('firmware.image')}</dt><dd>{c.image.vendor} {c.image.version} ({c.image.models.join(', ')}) · <code>{c.image.id}</code></dd>
            <dt>{t('firmware.wavesLabel')}</dt>
            <dd>{t('firmware.wavePlan', { canary: f.num(c.settings.canary), batch: f.num(c.settings.batch), threshold: f.percent(c.settings.threshold, 0), concurrency: f.num(c.settings.concurrency) })}</dd>
            {c.settings.window && <><dt>{t('firmware.new.window')}</dt><dd>{t('firmware.windowText', { from: c.settings.window.from, to: c.settings.window.to, zone: c.settings.window.zone })}</dd></>}
            <dt>{t('firmware.created')}</dt><dd>{f.dateTime(c.createdAt)} · {c.createdBy}</dd>
          </dl>
          {c.halt && c.state === 'halted' && (
            <p className="notice" data-testid="halt-reason">
              {c.halt.by === 'threshold'
                ? t('firmware.haltedThreshold', { wave: c.halt.wave ?? 0, share: f.percent(c.halt.failedShare ?? 0, 0), threshold: f.percent(c.settings.threshold, 0) })
                : t('firmware.haltedOperator', { who: c.halt.actor ?? '', at: f.dateTime(c.halt.at) })}
            </p>
          )}
          {can(session, 'firmware:write') && ACTIONS[c.state].length > 0 && (
            <div className="actions">
              {ACTIONS[c.state].map((a) => <button key={a} type="button" onClick={() => setConfirm(a)}>{t(`firmware.actions.${a}`)}</button>)}
            </div>
          )}
          <ErrorNote error={actionError} />
          {confirm && <Confirm action={confirm} name={c.name} onYes={() => void act(confirm)} onNo={() => setConfirm(null)} />}

          <h2>{t('firmware.progress')}</h2>
          <p>
            <progress max={1} value={c.progress.done} aria-label={t('firmware.progressOf', { name: c.name })} data-testid="campaign-progress" />
          </p>
          <p role="status" data-testid="progress-text">
            {t('firmware.progressText', {
              percent: f.percent(c.progress.done, 0), done: f.num(c.progress.counts.succeeded + c.progress.counts.failed + c.progress.counts.skipped),
              total: f.num(c.progress.total), wave: Math.min(c.wave + 1, Math.max(1, c.waves)), waves: f.num(c.waves),
            })}{' '}
            {c.progress.etaSeconds !== null && c.state === 'running' ? t('firmware.eta', { duration: duration(c.progress.etaSeconds, t) }) : ''}
          </p>
          <div className="table-wrap">
            <table data-testid="state-counts">
              <caption>{t('firmware.counts')}</caption>
              <thead><tr>{JOB_STATES.map((s) => <th key={s} scope="col">{t(`firmware.jobStates.${s}`)}</th>)}<th scope="col">{t('firmware.blocks')}</th></tr></thead>
              <tbody>
                <tr>
                  {JOB_STATES.map((s) => <td key={s} data-state={s}>{f.num(c.progress.counts[s])}</td>)}
                  <td>{t('firmware.blocksOf', { done: f.num(c.progress.blocks.done), total: f.num(c.progress.blocks.total) })}</td>
                </tr>
              </tbody>
            </table>
          </div>
          {Object.keys(c.progress.skipped).length > 0 && (
            <>
              <h3>{t('firmware.skippedTitle')}</h3>
              <ul>{Object.entries(c.progress.skipped).map(([r, n]) => <li key={r}>{t(`firmware.skip.${r}`, { defaultValue: r })}: {f.num(n)}</li>)}</ul>
            </>
          )}

          <h2>{t('firmware.wavesTitle')}</h2>
          {c.progress.waves.length === 0 ? <p>{t('firmware.noWaves')}</p> : (
            <div className="table-wrap">
              <table data-testid="wave-table">
                <caption>{t('firmware.wavesTitle')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('firmware.wave')}</th><th scope="col">{t('firmware.size')}</th><th scope="col">{t('firmware.jobStates.succeeded')}</th>
                    <th scope="col">{t('firmware.jobStates.failed')}</th><th scope="col">{t('firmware.failedShare')}</th><th scope="col">{t('firmware.verdict')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.progress.waves.map((w) => (
                    <tr key={w.wave}>
                      <th scope="row">{w.wave === 0 ? t('firmware.canary') : t('firmware.waveN', { n: w.wave })}</th>
                      <td>{f.num(w.size)}</td><td>{f.num(w.succeeded)}</td><td>{f.num(w.failed)}</td>
                      <td>{f.percent(w.failedShare, 0)}</td><td>{t(`firmware.verdicts.${w.verdict}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h2>{t('firmware.failedTitle')}</h2>
          <ErrorNote error={failed.error} />
          {failed.data && (failed.data.items.length === 0 ? <p>{t('firmware.noFailed')}</p> : (
            <div className="table-wrap">
              <table data-testid="failed-table">
                <caption>{t('firmware.failedTitle')}</caption>
                <thead>
                  <tr><th scope="col">{t('firmware.meter')}</th><th scope="col">{t('firmware.wave')}</th><th scope="col">{t('firmware.fromVersion')}</th><th scope="col">{t('firmware.code')}</th><th scope="col">{t('firmware.message')}</th></tr>
                </thead>
                <tbody>
                  {failed.data.items.map((j) => (
                    <tr key={j.meterId}>
                      <th scope="row"><Link href={`/meters/${encodeURIComponent(j.meterId)}`}>{j.meterId}</Link></th>
                      <td>{j.wave === undefined ? '–' : j.wave === 0 ? t('firmware.canary') : f.num(j.wave)}</td>
                      <td>{j.fromVersion ?? '–'}</td><td><code>{j.code}</code></td><td>{j.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
