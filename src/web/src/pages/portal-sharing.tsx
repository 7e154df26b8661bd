import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api.ts';
import { useFormat } from '../format.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';
import { consentState, RevokeForm, type Consent, type ThirdParty } from './consents.tsx';

interface Access { at: string; party: { id: string; legalName: string }; scopes: string[]; granularity: string; from: string; to: string; outcome: 'served' | 'refused'; reason?: string; values: number }

const GRANULARITIES = ['PT15M', 'PT1H', 'P1D', 'P1M'] as const;
const DURATIONS = ['30', '91', '182', '365'] as const;
const HISTORIES = ['0', '7', '30', '365'] as const;

/**
 * "My data sharing": who may read my data (and revoke), give a new consent, and who read it.
 * An operator viewing a customer's portal sees all of it read-only: only the customer decides.
 */
export function SharingPage({ premise }: { premise?: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const customer = session.role === 'customer';
  const [tick, setTick] = useState(0);
  const [note, setNote] = useState('');
  return (
    <>
      <p>{t('consent.portal.intro')}</p>
      {!customer && <p className="notice" role="note">{t('consent.portal.readOnly')}</p>}
      <p role="status" className="ok" data-testid="sharing-note">{note}</p>
      <MyConsents premise={premise} tick={tick} canRevoke={customer} onRevoked={(party) => { setNote(t('consent.portal.revoked', { party })); setTick((x) => x + 1); }} />
      {customer && <Grant onGranted={(text) => { setNote(text); setTick((x) => x + 1); }} />}
      <AccessLog premise={premise} tick={tick} />
    </>
  );
}

function MyConsents({ premise, tick, canRevoke, onRevoked }: { premise?: string; tick: number; canRevoke: boolean; onRevoked: (party: string) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useAsync(() => api.get<Page<Consent>>('/portal/consents', { premise, limit: 100 }), [premise, tick]);
  const [revoking, setRevoking] = useState<Consent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const revoke = async (c: Consent, reason: string) => {
    setError(null);
    try {
      await api.post(`/portal/consents/${encodeURIComponent(c.id)}/revoke`, reason ? { reason } : {});
      setRevoking(null);
      onRevoked(c.party.legalName);
    } catch (e) { setError(e); }
  };
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">{t('consent.portal.mineTitle')}</h2>
      <ErrorNote error={list.error ?? error} />
      {revoking && (
        <RevokeForm text={t('consent.portal.revokeConfirm', { party: revoking.party.legalName })} label={t('consent.portal.reason')}
          confirm={t('consent.portal.confirm')} cancel={t('consent.portal.cancel')} onCancel={() => setRevoking(null)} onConfirm={(reason) => void revoke(revoking, reason)} />
      )}
      {list.data && (list.data.items.length === 0 ? <p>{t('consent.portal.none')}</p> : (
        <div className="table-wrap">
          <table data-testid="my-consents">
            <caption>{t('consent.portal.mineCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('consent.portal.party')}</th><th scope="col">{t('consent.portal.purpose')}</th><th scope="col">{t('consent.portal.data')}</th>
                <th scope="col">{t('consent.portal.granularity')}</th><th scope="col">{t('consent.portal.history')}</th><th scope="col">{t('consent.portal.until')}</th>
                <th scope="col">{t('consent.portal.status')}</th>{canRevoke && <th scope="col"><span className="sr-only">{t('consent.portal.revoke')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{c.party.legalName}</th>
                  <td>{t(`consent.purposes.${c.purpose}`)}</td>
                  <td>{c.scopes.map((s) => t(`consent.scopes.${s}`)).join(', ')}</td>
                  <td>{t(`consent.granularities.${c.granularity}`)}</td>
                  <td>{f.date(c.historyFrom)}</td>
                  <td>{f.date(c.revokedAt ?? c.validUntil)}</td>
                  <td>{consentState(c, t)}</td>
                  {canRevoke && (
                    <td>{c.status === 'active' && (
                      <button type="button" onClick={() => setRevoking(c)} aria-label={`${t('consent.portal.revoke')}: ${c.party.legalName}`}>{t('consent.portal.revoke')}</button>
                    )}</td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function Grant({ onGranted }: { onGranted: (text: string) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const parties = useAsync(() => api.get<Page<ThirdParty>>('/portal/consents/parties'), []);
  const [partyId, setPartyId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState('');
  const list = parties.data?.items ?? [];
  const party = list.find((p) => p.id === partyId) ?? list[0];
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const scopes = data.getAll('scopes').map(String);
    setError(null);
    if (scopes.length === 0) { setProblem(t('consent.portal.pickData')); return; }
    setProblem('');
    try {
      const c = await api.post<Consent>('/portal/consents', {
        thirdParty: party!.id, purpose: String(data.get('purpose')), scopes, granularity: String(data.get('granularity')),
        days: Number(data.get('days')), historyDays: Number(data.get('history')),
      });
      onGranted(t('consent.portal.granted', { party: c.party.legalName, until: f.date(c.validUntil) }));
    } catch (err) { setError(err); }
  };
  return (
    <section aria-labelledby="grant-title">
      <h2 id="grant-title">{t('consent.portal.grantTitle')}</h2>
      <p>{t('consent.portal.grantIntro')}</p>
      <ErrorNote error={parties.error ?? error} />
      {parties.data && (list.length === 0 ? <p>{t('consent.portal.noParties')}</p> : (
        <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="grant-title">
          <div className="inline">
            <label htmlFor="g-party">{t('consent.portal.chooseParty')}</label>
            <select id="g-party" value={party?.id ?? ''} onChange={(e) => setPartyId(e.target.value)}>
              {list.map((p) => <option key={p.id} value={p.id}>{p.legalName} ({p.country})</option>)}
            </select>
            {party && <a href={party.website} rel="noopener noreferrer" target="_blank">{party.website}</a>}
          </div>
          <div className="inline">
            <label htmlFor="g-purpose">{t('consent.portal.choosePurpose')}</label>
            <select id="g-purpose" name="purpose" key={party?.id}>
              {party?.purposes.map((p) => <option key={p} value={p}>{t(`consent.purposes.${p}`)}</option>)}
            </select>
            <label htmlFor="g-granularity">{t('consent.portal.chooseGranularity')}</label>
            <select id="g-granularity" name="granularity" defaultValue="P1D">
              {GRANULARITIES.map((g) => <option key={g} value={g}>{t(`consent.granularities.${g}`)}</option>)}
            </select>
          </div>
          <fieldset className="inline">
            <legend>{t('consent.portal.chooseData')}</legend>
            <label><input type="checkbox" name="scopes" value="import" defaultChecked /> {t('consent.scopes.import')}</label>
            <label><input type="checkbox" name="scopes" value="export" /> {t('consent.scopes.export')}</label>
            {problem && <span role="alert" className="error">{problem}</span>}
          </fieldset>
          <div className="inline">
            <label htmlFor="g-days">{t('consent.portal.chooseDuration')}</label>
            <select id="g-days" name="days" defaultValue="365">
              {DURATIONS.map((d) => <option key={d} value={d}>{t(`consent.portal.durations.${d}`)}</option>)}
            </select>
            <label htmlFor="g-history">{t('consent.portal.chooseHistory')}</label>
            <select id="g-history" name="history" defaultValue="0">
              {HISTORIES.map((d) => <option key={d} value={d}>{t(`consent.portal.histories.${d}`)}</option>)}
            </select>
          </div>
          <button type="submit">{t('consent.portal.grant')}</button>
        </form>
      ))}
    </section>
  );
}

function AccessLog({ premise, tick }: { premise?: string; tick: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const log = useAsync(() => api.get<Page<Access>>('/portal/consents/access', { premise, limit: 50 }), [premise, tick]);
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">{t('consent.portal.logTitle')}</h2>
      <p>{t('consent.portal.logIntro')}</p>
      <ErrorNote error={log.error} />
      {log.data && (log.data.items.length === 0 ? <p>{t('consent.portal.logNone')}</p> : (
        <div className="table-wrap">
          <table>
            <caption>{t('consent.portal.logCaption', { shown: f.num(log.data.items.length), total: f.num(log.data.total) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('consent.portal.when')}</th><th scope="col">{t('consent.portal.party')}</th><th scope="col">{t('consent.portal.data')}</th>
                <th scope="col">{t('consent.portal.granularity')}</th><th scope="col">{t('consent.portal.period')}</th><th scope="col">{t('consent.portal.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((e, i) => (
                <tr key={`${i}-${e.at}`}>
                  <th scope="row">{f.dateTime(e.at)}</th>
                  <td>{e.party.legalName}</td>
                  <td>{e.scopes.map((s) => t(`consent.scopes.${s}`)).join(', ')}</td>
                  <td>{e.granularity ? t(`consent.granularities.${e.granularity}`, { defaultValue: e.granularity }) : ''}</td>
                  <td>{f.date(e.from)} – {f.date(e.to)}</td>
                  <td>{e.outcome === 'served' ? t('consent.portal.served', { values: f.num(e.values) }) : <>{t('consent.portal.refused')} <span className="hint">{e.reason}</span></>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
