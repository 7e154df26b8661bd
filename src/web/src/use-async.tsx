import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.ts';

export interface Async<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** Runs `fn` when `deps` change; a slower earlier run never overwrites a later one's result. */
export function useAsync<T>(fn: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    fn(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setState({ data, loading: false }); },
      (error: unknown) => { if (!ctl.signal.aborted) setState((s) => ({ ...s, error, loading: false })); },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A request's failure, said in the reader's language (the server's detail kept for specifics). */
export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text = error instanceof ApiError
    ? (error.status === 404 ? t('errors.notFound') : error.status === 403 ? t('errors.forbidden') : t('errors.failed', { detail: error.message }))
    : t('errors.network');
  return <p className="error" role="alert">{text}</p>;
}
