import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api.ts';
import { useFormat } from '../format.ts';
import { ErrorNote, useAsync } from '../use-async.tsx';

interface Entry { seq: number; at: string; actor: string; action: string; object: string; details?: Record<string, unknown> }
const PAGE = 50;

export function AuditPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [filter, setFilter] = useState({ actor: '', action: '', object: '' });
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [index, setIndex] = useState(0);
  const page = useAsync(() => api.get<Page<Entry>>('/audit', {
    limit: PAGE, cursor: cursors[index] ?? undefined, actor: filter.actor || undefined, action: filter.action || undefined, object: filter.object || undefined,
  }), [filter, index]);
  useEffect(() => {
    if (page.data) setCursors((c) => { const n = [...c]; n[index + 1] = page.data!.next; return n; });
  }, [page.data, index]);
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const v = (k: string) => String(form.get(k) ?? '').trim();
    setFilter({ actor: v('actor'), action: v('action'), object: v('object') });
    setCursors([null]);
    setIndex(0);
  };
  const first = index * PAGE + 1;
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <form role="search" className="inline" onSubmit={search} aria-label={t('audit.search')}>
        <label htmlFor="a-actor">{t('audit.actor')}</label>
        <input id="a-actor" name="actor" placeholder="user:operator" />
        <label htmlFor="a-action">{t('audit.action')}</label>
        <input id="a-action" name="action" placeholder="session.login" />
        <label htmlFor="a-object">{t('audit.object')}</label>
        <input id="a-object" name="object" placeholder="meter:" />
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorNote error={page.error} />
      <div className="table-wrap">
        <table>
          <caption>{t('audit.caption')}</caption>
          <thead><tr><th scope="col">#</th><th scope="col">{t('audit.when')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.object')}</th><th scope="col">{t('audit.details')}</th></tr></thead>
          <tbody>
            {page.data?.items.map((e) => (
              <tr key={e.seq}>
                <th scope="row">{e.seq}</th><td>{f.dateTime(e.at)}</td><td>{e.actor}</td><td>{e.action}</td><td>{e.object}</td>
                <td className="details">{e.details ? JSON.stringify(e.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={t('audit.pages')}>
        <button type="button" disabled={index === 0} onClick={() => setIndex((i) => Math.max(0, i - 1))}>{t('common.previous')}</button>
        <span aria-live="polite">{page.data ? (page.data.total === 0 ? t('audit.none') : t('common.range', { from: f.num(first), to: f.num(first + page.data.items.length - 1), total: f.num(page.data.total) })) : ''}</span>
        <button type="button" disabled={!page.data?.next} onClick={() => setIndex((i) => i + 1)}>{t('common.next')}</button>
      </nav>
    </section>
  );
}
