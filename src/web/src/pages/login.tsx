import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setApiKey, type Session } from '../api.ts';

export function LoginPage({ message, onLoggedIn }: { message?: string; onLoggedIn: (s: Session) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | undefined>(message);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { setError(message); }, [message]);
  useEffect(() => { heading.current?.focus(); }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    try {
      onLoggedIn(await api.post<Session>('/session', { username: String(form.get('username')), password: String(form.get('password')) }));
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'AUTH_LOCKED' ? 'login.locked' : err instanceof ApiError && err.status === 401 ? 'login.failed' : 'errors.network');
    } finally {
      setBusy(false);
    }
  };

  const useKey = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setApiKey(String(new FormData(e.currentTarget).get('key')));
    try {
      onLoggedIn(await api.get<Session>('/session'));
    } catch {
      setError('login.keyRefused');
    }
  };

  return (
    <section className="login" aria-labelledby="login-title">
      <h1 id="login-title" ref={heading} tabIndex={-1}>{t('login.title')}</h1>
      <p>{t('login.intro')}</p>
      {error && <p className="error" role="alert">{t(error)}</p>}
      <form onSubmit={submit} className="stack">
        <label htmlFor="username">{t('login.username')}</label>
        <input id="username" name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} />
        <label htmlFor="password">{t('login.password')}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" disabled={busy}>{t('login.submit')}</button>
      </form>
      <details className="key-login">
        <summary>{t('login.withKey')}</summary>
        <p>{t('login.keyIntro')}</p>
        <form onSubmit={useKey} className="stack">
          <label htmlFor="api-key">{t('login.key')}</label>
          <input id="api-key" name="key" type="password" autoComplete="off" spellCheck={false} required />
          <button type="submit">{t('login.useKey')}</button>
        </form>
      </details>
    </section>
  );
}
