import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api.ts';
import { useFormat } from '../format.ts';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

export interface ThirdParty { id: string; legalName: string; contact?: string; website: string; country: string; purposes: string[]; status?: 'active' | 'suspended' | 'removed' }
export interface Consent {
  id: string; premise: string; party: { id: string; legalName: string; status: string }; purpose: string; scopes: string[]; granularity: string;
  historyFrom: string; validFrom: string; validUntil: string; status: 'active' | 'revoked' | 'expired'; live: boolean; notLive?: string;
  grantedAt: string; revokedAt?: string; revokeReason?: string;
}

export const PURPOSES = ['energy-advice', 'switching', 'research', 'ev-charging'] as const;
type PartyEvent = 'suspend' | 'reactivate' | 'remove';

/** A consent's status as a reader understands it: suspended access shows although the consent itself stays active. */
export function consentState(c: Consent, t: (k: string) => string): string {
  if (c.status === 'active' && c.notLive === 'party-suspended') return t('consent.status.accessSuspended');
  return t(`consent.status.${c.status}`);
}

/** The console page: the third-party registry and every customer's consents. */
export function ConsentsPage() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  return (
    <section aria-labelledby="consent-title">
      <h1 id="consent-title">{t('consent.title')}</h1>
      <p>{t('consent.intro')}</p>
      <Registry onChange={() => setTick((x) => x + 1)} />
      <Consents tick={tick} />
    </section>
  );
}

function Registry({ onChange }: { onChange: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const write = can(session, 'consents:write');
  const list = useAsync(() => api.get<Page<ThirdParty>>('/third-parties'), []);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<{ party: ThirdParty; event: PartyEvent } | null>(null);
  const [issued, setIssued] = useState<{ name: string; key: string } | null>(null);
  const keyBox = useRef<HTMLDivElement>(null);
  useEffect(() => { if (issued) keyBox.current?.focus(); }, [issued]);

  const act = async (fn: () => Promise<string>) => {
    setError(null);
    try {
      setNote(await fn());
      list.reload();
      onChange();
    } catch (e) { setError(e); }
  };
  const transition = (party: ThirdParty, event: PartyEvent, reason: string) => act(async () => {
    const p = await api.post<ThirdParty>(`/third-parties/${encodeURIComponent(party.id)}/${event}`, reason ? { reason } : {});
    setPending(null);
    return t('consent.registry.changed', { name: p.legalName, status: t(`consent.status.${p.status}`) });
  });
  const issueKey = (party: ThirdParty) => act(async () => {
    const k = await api.post<{ key: string }>(`/third-parties/${encodeURIComponent(party.id)}/keys`, { label: 'console' });
    setIssued({ name: party.legalName, key: k.key });
    return '';
  });

  return (
    <section aria-labelledby="registry-title">
      <h2 id="registry-title">{t('consent.registry.title')}</h2>
      <ErrorNote error={list.error ?? error} />
      <p role="status" className="ok">{note}</p>
      {issued && (
        <div className="notice" ref={keyBox} tabIndex={-1} role="alert" data-testid="issued-key">
          <p>{t('consent.registry.keyShown', { name: issued.name })}</p>
          <p><code>{issued.key}</code></p>
          <button type="button" onClick={() => setIssued(null)}>{t('consent.registry.keyDone')}</button>
        </div>
      )}
      {list.data && (list.data.items.length === 0 ? <p>{t('consent.registry.none')}</p> : (
        <div className="table-wrap">
          <table>
            <caption>{t('consent.registry.caption', { total: list.data.total })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('consent.registry.name')}</th><th scope="col">{t('consent.registry.country')}</th><th scope="col">{t('consent.registry.purposes')}</th>
                <th scope="col">{t('consent.registry.contact')}</th><th scope="col">{t('consent.registry.status')}</th>{write && <th scope="col">{t('consent.registry.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.id}>
                  <th scope="row"><a href={p.website} rel="noopener noreferrer" target="_blank">{p.legalName}</a> <span className="hint">{p.id}</span></th>
                  <td>{p.country}</td>
                  <td>{p.purposes.map((x) => t(`consent.purposes.${x}`)).join(', ')}</td>
                  <td>{p.contact}</td>
                  <td>{t(`consent.status.${p.status}`)}</td>
                  {write && (
                    <td>
                      {p.status === 'active' && <button type="button" onClick={() => setPending({ party: p, event: 'suspend' })}>{t('consent.registry.suspend')}</button>}{' '}
                      {p.status === 'suspended' && <button type="button" onClick={() => void transition(p, 'reactivate', '')}>{t('consent.registry.reactivate')}</button>}{' '}
                      {p.status !== 'removed' && <button type="button" onClick={() => void issueKey(p)}>{t('consent.registry.issueKey')}</button>}{' '}
                      {p.status !== 'removed' && <button type="button" onClick={() => setPending({ party: p, event: 'remove' })}>{t('consent.registry.remove')}</button>}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {pending && <ConfirmEvent pending={pending} onCancel={() => setPending(null)} onConfirm={(reason) => void transition(pending.party, pending.event, reason)} />}
      {write && <AddParty onAdded={(name) => { setNote(t('consent.registry.added', { name })); list.reload(); }} />}
    </section>
  );
}

function ConfirmEvent({ pending, onCancel, onConfirm }: { pending: { party: ThirdParty; event: PartyEvent }; onCancel: () => void; onConfirm: (reason: string) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => { first.current?.focus(); }, [pending]);
  return (
    <form className="card" role="group" aria-labelledby="confirm-event" onSubmit={(e) => { e.preventDefault(); onConfirm(reason.trim()); }}>
      <p id="confirm-event">{t('consent.registry.confirmEvent', { action: t(`consent.registry.${pending.event}`), name: pending.party.legalName })}</p>
      <div className="inline">
        <label htmlFor="event-reason">{t('consent.registry.reason')}</label>
        <input id="event-reason" ref={first} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        <button type="submit">{t('consent.confirm')}</button>
        <button type="button" onClick={onCancel}>{t('consent.cancel')}</button>
      </div>
    </form>
  );
}

function AddParty({ onAdded }: { onAdded: (name: string) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const v = (k: string) => String(data.get(k) ?? '').trim();
    setError(null);
    try {
      const p = await api.post<ThirdParty>('/third-parties', {
        ...(v('id') ? { id: v('id') } : {}), legalName: v('legalName'), contact: v('contact'), website: v('website'), country: v('country').toUpperCase(),
        purposes: data.getAll('purposes').map(String),
      });
      form.reset();
      onAdded(p.legalName);
    } catch (err) { setError(err); }
  };
  return (
    <details className="card">
      <summary>{t('consent.registry.add')}</summary>
      <form onSubmit={(e) => void submit(e)} aria-label={t('consent.registry.add')}>
        <div className="inline">
          <label htmlFor="tp-name">{t('consent.registry.name')}</label><input id="tp-name" name="legalName" required minLength={2} maxLength={200} />
          <label htmlFor="tp-id">{t('consent.registry.id')}</label><input id="tp-id" name="id" pattern="[a-z0-9][a-z0-9\-]{1,47}" maxLength={48} />
        </div>
        <div className="inline">
          <label htmlFor="tp-contact">{t('consent.registry.contact')}</label><input id="tp-contact" name="contact" required maxLength={200} />
          <label htmlFor="tp-website">{t('consent.registry.website')}</label><input id="tp-website" name="website" type="url" required placeholder="https://" />
          <label htmlFor="tp-country">{t('consent.registry.country')}</label><input id="tp-country" name="country" required pattern="[A-Za-z]{2}" maxLength={2} size={3} />
        </div>
        <fieldset className="inline">
          <legend>{t('consent.registry.purposesLegend')}</legend>
          {PURPOSES.map((p) => (
            <label key={p}><input type="checkbox" name="purposes" value={p} /> {t(`consent.purposes.${p}`)}</label>
          ))}
        </fieldset>
        <ErrorNote error={error} />
        <button type="submit">{t('consent.registry.addButton')}</button>
      </form>
    </details>
  );
}

const PAGE = 50;

function Consents({ tick }: { tick: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const write = can(session, 'consents:write');
  const [filter, setFilter] = useState({ status: '', premise: '' });
  const list = useAsync(() => api.get<Page<Consent>>('/consents', { limit: PAGE, status: filter.status || undefined, premise: filter.premise || undefined }), [filter, tick]);
  const [revoking, setRevoking] = useState<Consent | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setFilter({ status: String(data.get('status') ?? ''), premise: String(data.get('premise') ?? '').trim() });
  };
  const revoke = async (c: Consent, reason: string) => {
    setError(null);
    try {
      await api.post(`/consents/${encodeURIComponent(c.id)}/revoke`, { reason });
      setRevoking(null);
      setNote(t('consent.consents.revoked'));
      list.reload();
    } catch (e) { setError(e); }
  };
  return (
    <section aria-labelledby="consents-title">
      <h2 id="consents-title">{t('consent.consents.title')}</h2>
      <form role="search" className="inline" aria-label={t('consent.consents.filter')} onSubmit={search}>
        <label htmlFor="c-status">{t('consent.consents.status')}</label>
        <select id="c-status" name="status" defaultValue="">
          <option value="">{t('consent.consents.all')}</option>
          {(['active', 'revoked', 'expired'] as const).map((s) => <option key={s} value={s}>{t(`consent.status.${s}`)}</option>)}
        </select>
        <label htmlFor="c-premise">{t('consent.consents.premise')}</label>
        <input id="c-premise" name="premise" />
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorNote error={list.error ?? error} />
      <p role="status" className="ok">{note}</p>
      {revoking && (
        <RevokeForm text={t('consent.consents.revokeConfirm', { premise: revoking.premise, party: revoking.party.legalName })} label={t('consent.consents.reason')} required
          onCancel={() => setRevoking(null)} onConfirm={(reason) => void revoke(revoking, reason)} confirm={t('consent.consents.revoke')} cancel={t('consent.cancel')} />
      )}
      {list.data && (list.data.items.length === 0 ? <p>{t('consent.consents.none')}</p> : (
        <div className="table-wrap">
          <table>
            <caption>{t('consent.consents.caption', { shown: f.num(list.data.items.length), total: f.num(list.data.total) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('consent.consents.premise')}</th><th scope="col">{t('consent.consents.party')}</th><th scope="col">{t('consent.consents.purpose')}</th>
                <th scope="col">{t('consent.consents.data')}</th><th scope="col">{t('consent.consents.granularity')}</th><th scope="col">{t('consent.consents.validUntil')}</th>
                <th scope="col">{t('consent.consents.status')}</th>{write && <th scope="col"><span className="sr-only">{t('consent.registry.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{c.premise}</th>
                  <td>{c.party.legalName}</td>
                  <td>{t(`consent.purposes.${c.purpose}`)}</td>
                  <td>{c.scopes.map((s) => t(`consent.scopes.${s}`)).join(', ')}</td>
                  <td>{t(`consent.granularities.${c.granularity}`)}</td>
                  <td>{f.date(c.validUntil)}</td>
                  <td>{consentState(c, t)}{c.revokeReason ? <span className="hint"> — {c.revokeReason}</span> : null}</td>
                  {write && <td>{c.status === 'active' && <button type="button" onClick={() => setRevoking(c)}>{t('consent.consents.revoke')}</button>}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

/** An inline confirmation with a reason; focus moves to it, Escape-free (Cancel is a plain button). */
export function RevokeForm({ text, label, required = false, confirm, cancel, onConfirm, onCancel }: {
  text: string; label: string; required?: boolean; confirm: string; cancel: string; onConfirm: (reason: string) => void; onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => { input.current?.focus(); }, [text]);
  return (
    <form className="card" role="group" aria-labelledby="revoke-text" onSubmit={(e) => { e.preventDefault(); onConfirm(reason.trim()); }}>
      <p id="revoke-text">{text}</p>
      <div className="inline">
        <label htmlFor="revoke-reason">{label}</label>
        <input id="revoke-reason" ref={input} value={reason} required={required} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        <button type="submit">{confirm}</button>
        <button type="button" onClick={onCancel}>{cancel}</button>
      </div>
    </form>
  );
}
