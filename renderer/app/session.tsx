import { App as AntdApp } from 'antd';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, Locale, SessionUser } from '../../electron/api';
import { asApiError, call, onHostEvent, onUnauthenticated } from '../api/client';
import { translateError } from '../components/formErrors';
import { applyLocale } from '../i18n';

export interface Session {
  info: AppInfo;
  user: SessionUser | null;
  locale: Locale;
  setLocale: (locale: Locale) => void;
  /** after auth.setup / auth.login */
  signedIn: (user: SessionUser) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Who is signed in and in which language, from `app.info` at start; ends when the server says the session ended. */
export function SessionProvider({
  info: initial,
  onLocale,
  children,
}: {
  info: AppInfo;
  onLocale: (locale: Locale) => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { message } = AntdApp.useApp();
  const [info, setInfo] = useState(initial);
  const [user, setUser] = useState(initial.user);
  const [locale, setLocaleState] = useState(initial.locale);

  // only while someone is signed in: a refused call or the host's event ends the session here too
  useEffect(() => {
    if (!user) return;
    const ended = (quiet = false) => {
      setUser(null);
      if (!quiet) void message.warning(t('user.sessionEnded'));
    };
    const offUnauth = onUnauthenticated(() => ended());
    // a logout in this window needs no notice
    const offEvent = onHostEvent('session.ended', (p) => ended((p as { reason?: string }).reason === 'logout'));
    return () => {
      offUnauth();
      offEvent();
    };
  }, [user, message, t]);

  const setLocale = useCallback(
    (next: Locale) => {
      applyLocale(next);
      setLocaleState(next);
      onLocale(next);
      // the workstation remembers the choice; the screen has already switched (recovery mode: nothing can be saved)
      if (info.recovery) return;
      call('app.setLocale', { locale: next }).catch((err: unknown) => {
        void message.error(translateError(asApiError(err)));
      });
    },
    [message, onLocale, info.recovery],
  );

  const signedIn = useCallback((u: SessionUser) => {
    setInfo((i) => ({ ...i, needsSetup: false, user: u, locked: false }));
    setUser(u);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await call('auth.logout', {});
    } catch {
      // nothing to tell: the screen signs out either way, and the next call would be refused anyway
    }
    setUser(null);
  }, []);

  const value = useMemo(
    () => ({ info, user, locale, setLocale, signedIn, signOut }),
    [info, user, locale, setLocale, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
