import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Page } from '../api.ts';
import { useFormat } from '../format.ts';
import { useLive, type LiveSnapshot } from '../live.tsx';
import { Link, navigate, useRoute } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

interface Exception {
  id: number; meter: string; channel: string; rule: string; severity: string; from: string; to: string; message: string;
  status: string; assignee?: string; createdAt: string; ageS: number;
}

const STATUSES = ['open', 'estimated', 'accepted', 'edited', 'escalated'] as const;
const PAGE = 50;

function age(s: number, t: (k: string, o?: Record<string, unknown>) => string, num: (n: number) => string): string {
  if (s < 3600) return t('vee.ageMinutes', { value: num(Math.floor(s / 60)) });
  if (s < 86_400) return t('vee.ageHours', { value: num(Math.floor(s / 3600)) });
  return t('vee.ageDays', { value: num(Math.floor(s / 86_400)) });
}

export function VeePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const { query } = useRoute();
  const status = query.get('status') ?? 'open';
  const rule = query.get('rule') ?? '';
  const meter = query.get('meter') ?? '';
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [index, setIndex] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [note, setNote] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [fresh, setFresh] = useState(0);
  const writable = can(session, 'vee:write');

  useEffect(() => { setCursors([null]); setIndex(0); setSelected(new Set()); }, [status, rule, meter]);
  useLive(useCallback((s: LiveSnapshot) => { if (s.newExceptions > 0) setFresh((n) => n + s.newExceptions); }, []));

  const page = useAsync(() => api.get<Page<Exception>>('/vee/exceptions', {
    limit: PAGE, cursor: cursors[index] ?? undefined, status: status === 'all' ? undefined : status, rule: rule || undefined, meter: meter || undefined,
  }), [status, rule, meter, index]);
  useEffect(() => {
    if (page.data) setCursors((c) => { const n = [...c]; n[index + 1] = page.data!.next; return n; });
  }, [page.data, index]);

  const filter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const p = new URLSearchParams();
    for (const k of ['status', 'rule', 'meter']) { const v = String(form.get(k) ?? '').trim(); if (v) p.set(k, v); }
    const lang = query.get('lang');
    if (lang) p.set('lang', lang);
    navigate(`/vee?${p}`, true);
  };

  const items = page.data?.items ?? [];
  const allOnPage = items.length > 0 && items.every((x) => selected.has(x.id));
  const toggle = (id: number) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const toggleAll = () => setSelected(allOnPage ? new Set() : new Set(items.map((x) => x.id)));

  const bulk = async (change: { status?: string; assignee?: string | null }) => {
    const ids = [...selected];
    if (ids.length === 0) return;
    try {
      await api.post('/vee/exceptions/bulk', { ids, ...change, ...(note.trim() ? { note: note.trim() } : {}) });
      setResult({ ok: true, text: t('vee.done', { value: f.num(ids.length) }) });
      setSelected(new Set());
      setNote('');
      page.reload();
    } catch (e) {
      setResult({ ok: false, text: e instanceof ApiError ? t('errors.failed', { detail: e.message }) : t('errors.network') });
    }
  };
  const me = session.user?.username ?? session.label;
  const first = index * PAGE + 1;

  return (
    <section aria-labelledby="vee-title">
      <h1 id="vee-title">{t('vee.title')}</h1>
      <p>{t('vee.intro')}</p>
      {fresh > 0 && (
        <p className="notice" role="status">
          {t('vee.fresh', { value: f.num(fresh) })}{' '}
          <button type="button" className="link" onClick={() => { setFresh(0); page.reload(); }}>{t('common.refresh')}</button>
        </p>
      )}
      <form className="inline" onSubmit={filter} aria-label={t('vee.filter')} key={`${status}|${rule}|${meter}`}>
        <label htmlFor="v-status">{t('vee.status')}</label>
        <select id="v-status" name="status" defaultValue={status}>
          <option value="all">{t('vee.all')}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`vee.statuses.${s}`)}</option>)}
        </select>
        <label htmlFor="v-rule">{t('vee.rule')}</label>
        <input id="v-rule" name="rule" defaultValue={rule} placeholder="spike" />
        <label htmlFor="v-meter">{t('vee.meter')}</label>
        <input id="v-meter" name="meter" defaultValue={meter} />
        <button type="submit">{t('common.filter')}</button>
      </form>
      <ErrorNote error={page.error} />
      {writable && (
        <fieldset className="bulk" disabled={selected.size === 0}>
          <legend>{t('vee.bulk', { value: f.num(selected.size) })}</legend>
          <label htmlFor="v-note">{t('vee.note')}</label>
          <input id="v-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
          <div className="buttons">
            <button type="button" onClick={() => void bulk({ status: 'accepted' })}>{t('vee.accept')}</button>
            <button type="button" onClick={() => void bulk({ status: 'escalated' })}>{t('vee.escalate')}</button>
            <button type="button" onClick={() => void bulk({ assignee: me })}>{t('vee.assignMe')}</button>
            <button type="button" onClick={() => void bulk({ status: 'open', assignee: null })}>{t('vee.reopen')}</button>
          </div>
        </fieldset>
      )}
      {result && <p className={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'}>{result.text}</p>}
      <div className="table-wrap">
        <table className="queue">
          <caption>{t('vee.caption', { status: status === 'all' ? t('vee.all') : t(`vee.statuses.${status}`, { defaultValue: status }) })}</caption>
          <thead>
            <tr>
              {writable && <th scope="col"><input type="checkbox" checked={allOnPage} onChange={toggleAll} aria-label={t('vee.selectAll')} /></th>}
              <th scope="col">{t('vee.meter')}</th><th scope="col">{t('vee.rule')}</th><th scope="col">{t('vee.severity')}</th>
              <th scope="col">{t('vee.when')}</th><th scope="col">{t('vee.status')}</th><th scope="col">{t('vee.assignee')}</th><th scope="col">{t('vee.age')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((x) => (
              <tr key={x.id} className={selected.has(x.id) ? 'selected' : undefined}>
                {writable && <td><input type="checkbox" checked={selected.has(x.id)} onChange={() => toggle(x.id)} aria-label={t('vee.select', { id: x.id, meter: x.meter, rule: x.rule })} /></td>}
                <th scope="row"><Link href={`/meters/${encodeURIComponent(x.meter)}?period=day&end=${x.from.slice(0, 10)}`}>{x.meter}</Link></th>
                <td><span title={x.message}>{x.rule}</span></td>
                <td><span className={`sev ${x.severity}`}>{t(`vee.severities.${x.severity}`, { defaultValue: x.severity })}</span></td>
                <td>{f.dateTime(x.from)}</td>
                <td>{t(`vee.statuses.${x.status}`, { defaultValue: x.status })}</td>
                <td>{x.assignee ?? '–'}</td>
                <td>{age(x.ageS, t, f.num)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={t('vee.pages')}>
        <button type="button" disabled={index === 0} onClick={() => setIndex((i) => Math.max(0, i - 1))}>{t('common.previous')}</button>
        <span aria-live="polite">{page.data ? (page.data.total === 0 ? t('vee.none') : t('common.range', { from: f.num(first), to: f.num(first + items.length - 1), total: f.num(page.data.total) })) : ''}</span>
        <button type="button" disabled={!page.data?.next} onClick={() => setIndex((i) => i + 1)}>{t('common.next')}</button>
      </nav>
    </section>
  );
}
