import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
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
}

/** Pages that show counts listen for this to refresh when new data or exceptions arrive. */
export const LIVE_EVENT = 'meterstack:live';

export function useLive(onChange: (s: LiveSnapshot) => void): void {
  useEffect(() => {
    const l = (e: Event) => onChange((e as CustomEvent<LiveSnapshot>).detail);
    addEventListener(LIVE_EVENT, l);
    return () => removeEventListener(LIVE_EVENT, l);
  }, [onChange]);
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
        </ul></div>
      ) : <span>{t('live.connecting')}</span>}
    </section>
  );
}
