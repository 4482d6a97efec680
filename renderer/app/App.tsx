import { App as AntdApp, ConfigProvider, Spin } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HashRouter } from 'react-router';
import type { ApiError, AppInfo, Locale } from '../../electron/api';
import { asApiError, call } from '../api/client';
import { ErrorState } from '../components/ErrorState';
import { MustChangePasswordPage } from '../features/auth/ChangePassword';
import { LoginPage } from '../features/auth/LoginPage';
import { LockGuard } from '../features/lock/LockGuard';
import { SetupPage } from '../features/auth/SetupPage';
import { RecoveryPage } from '../features/recovery/RecoveryPage';
import { antdLocale, applyLocale } from '../i18n';
import { Brand } from './Brand';
import { SessionProvider, useSession } from './session';
import { Shell } from './Shell';
import { theme } from './theme';

/** Start: ask the host who is signed in and in which language, then show set-up, sign-in or the app. */
export function App() {
  const { t } = useTranslation();
  const [info, setInfo] = useState<AppInfo>();
  const [error, setError] = useState<ApiError>();
  const [locale, setLocale] = useState<Locale>('zh-CN');
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    call('app.info', {}).then(
      (i) => {
        applyLocale(i.locale);
        setLocale(i.locale);
        setInfo(i);
        setError(undefined);
      },
      (err: unknown) => setError(asApiError(err)),
    );
  }, [attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);

  return (
    <ConfigProvider locale={antdLocale(locale)} theme={theme} button={{ autoInsertSpace: false }}>
      <AntdApp className="td-app">
        {info ? (
          <SessionProvider info={info} onLocale={setLocale}>
            <HashRouter>
              <Screens />
            </HashRouter>
          </SessionProvider>
        ) : error ? (
          <div className="td-auth">
            <header className="td-auth-top td-header">
              <Brand />
            </header>
            <main className="td-panel td-auth-card" style={{ width: 560 }}>
              {/* a bad launch token does not get better by retrying: the message says what to do instead */}
              <ErrorState
                error={error}
                title={t('app.startFailed')}
                onRetry={error.code === 'forbidden' ? undefined : retry}
              />
            </main>
          </div>
        ) : (
          <div className="td-boot">
            <Spin size="large" description={t('app.loading')} />
          </div>
        )}
      </AntdApp>
    </ConfigProvider>
  );
}

function Screens() {
  const { info, user } = useSession();
  if (info.recovery) return <RecoveryPage />;
  if (info.needsSetup) return <SetupPage />;
  if (!user) return <LoginPage />;
  // keyed by user: another user signing in over the lock screen remounts the app, discarding the first user's input.
  // A temporary password: the server refuses everything else until it is changed (the lock still applies).
  return (
    <LockGuard>
      {user.mustChangePassword ? <MustChangePasswordPage key={user.id} /> : <Shell key={user.id} />}
    </LockGuard>
  );
}
