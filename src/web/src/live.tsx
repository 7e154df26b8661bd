import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
import { Link } from './router.tsx';
import { listen } from './sse.ts';

export interface LiveSnapshot {
  at: string;
  messages: number;
  newMessages: number;
  exceptions: number;
  newExceptions: number;
  openExceptions: number;
  latest: string | null;
  reporting: number;
  /** Only for those who may read outages / the audit trail. */
  activeOutages?: number;
  alerts?: number;
}

/** Pages that show counts listen for this to refresh when new data or exceptions arrive. */
export const LIVE_EVENT = 'meterstack:live';
let lastSnapshot: LiveSnapshot | null = null;

export function useLive(onChange: (s: LiveSnapshot) => void): void {
  useEffect(() => {
    const l = (e: Event) => onChange((e as CustomEvent<LiveSnapshot>).detail);
    addEventListener(LIVE_EVENT, l);
    return () => removeEventListener(LIVE_EVENT, l);
  }, [onChange]);
}

/** The newest snapshot so far (null before the first). */
export const latestSnapshot = (): LiveSnapshot | null => lastSnapshot;

/** The newest snapshot, also for a page opened after it arrived. */
export function useLiveSnapshot(): LiveSnapshot | null {
  const [snap, setSnap] = useState(lastSnapshot);
  useLive(setSnap);
  return snap;
}

/** The console's live strip: messages arriving, VEE exceptions opening, the newest data; over SSE. */
export function LiveStrip() {
  const { t } = useTranslation();
  const f = useFormat();
  const [snap, setSnap] = useState<LiveSnapshot | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const ctl = new AbortController();
    listen('/live', {}, (event, data) => {
      if (event !== 'snapshot') return;
      const s = data as LiveSnapshot;
      lastSnapshot = s;
      setSnap(s);
      dispatchEvent(new CustomEvent(LIVE_EVENT, { detail: s }));
    }, ctl.signal, setConnected);
    return () => ctl.abort();
  }, []);
  return (
    <section className="live" aria-label={t('live.label')}>
      <span className={`dot ${connected ? 'on' : 'off'}`} aria-hidden="true" />
      <span className="sr-only">{connected ? t('live.connected') : t('live.disconnected')}</span>
      {snap ? (
        <div role="status" data-testid="live-strip"><ul>
          <li>{snap.latest ? t('live.latest', { time: f.time(snap.latest), meters: f.num(snap.reporting) }) : t('live.noData')}</li>
          <li>{t('live.messages', { value: f.num(snap.messages) })}{snap.newMessages > 0 && <strong> {t('live.new', { value: f.num(snap.newMessages) })}</strong>}</li>
          <li>{t('live.openExceptions', { value: f.num(snap.openExceptions) })}{snap.newExceptions > 0 && <strong> {t('live.new', { value: f.num(snap.newExceptions) })}</strong>}</li>
          {snap.activeOutages !== undefined && snap.activeOutages > 0 && (
            <li><Link href="/outages" className="alert-link">{t('live.outages', { value: f.num(snap.activeOutages) })}</Link></li>
          )}
          {snap.alerts !== undefined && snap.alerts > 0 && (
            <li><Link href="/security">{t('live.alerts', { value: f.num(snap.alerts) })}</Link></li>
          )}
        </ul></div>
      ) : <span>{t('live.connecting')}</span>}
    </section>
  );
}
