import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Avatar, Button, Card, Form, Input, theme, Typography } from 'antd';
import { useEffect, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { Brand } from '../../app/Brand';
import { useSession } from '../../app/session';
import { applyFieldErrors, clearErrorsOnChange } from '../../components/formErrors';

const overlay: CSSProperties = {
  position: 'fixed',
  inset: 0,
  // above antd drawers, modals, pop-ups and messages: nothing of the app shows through
  zIndex: 2500,
  display: 'flex',
  flexDirection: 'column',
  background: 'linear-gradient(180deg, #14304d 0, #14304d 260px, #f3f5f8 260px)',
  overflow: 'auto',
};

/**
 * Makes everything on the page but the lock screen inert (no focus, no clicks, no keys) while it is shown — also the
 * antd portals of open drawers and modals, which live outside the app's root — gives it back after, and puts the focus
 * on the lock screen's first field.
 */
function useInertBackground(ref: RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    const screen = ref.current;
    if (!screen) return;
    const made: HTMLElement[] = [];
    const inert = (el: Node) => {
      if (el === screen || !(el instanceof HTMLElement) || el.inert) return;
      el.inert = true;
      made.push(el);
    };
    for (const el of Array.from(document.body.children)) inert(el);
    const observer = new MutationObserver((records) => {
      for (const r of records) for (const n of Array.from(r.addedNodes)) inert(n);
    });
    observer.observe(document.body, { childList: true });
    screen.querySelector<HTMLInputElement>('input:not([hidden])')?.focus();
    return () => {
      observer.disconnect();
      for (const el of made) el.inert = false;
    };
  }, [ref]);
}

/** The full-screen lock: the same user's password unlocks; another user may sign in instead (the app then resets). */
export function LockScreen({ user, onUnlocked }: { user: SessionUser; onUnlocked: () => void }) {
  const { t } = useTranslation();
  const { signedIn, signOut } = useSession();
  const [mode, setMode] = useState<'unlock' | 'other'>('unlock');
  const ref = useRef<HTMLDivElement | null>(null);
  useInertBackground(ref);
  // outside the antd App root (a portal into <body>): the app's font and text colour by hand
  const { token } = theme.useToken();

  const screen = (
    <div
      ref={ref}
      style={{ ...overlay, fontFamily: token.fontFamily, fontSize: token.fontSize, color: token.colorText }}
      role="dialog"
      aria-modal="true"
      aria-labelledby="td-lock-title"
      data-testid="lock-screen"
    >
      <header className="td-auth-top td-header">
        <Brand />
      </header>
      <main>
        <Card className="td-auth-card" styles={{ body: { padding: '24px 28px 12px' } }}>
          {mode === 'unlock' ? (
            <UnlockForm user={user} onUnlocked={onUnlocked} onOther={() => setMode('other')} onSignOut={signOut} />
          ) : (
            <OtherUserForm
              user={user}
              onBack={() => setMode('unlock')}
              onSignedIn={(next) => {
                if (next.id !== user.id) {
                  // another user: the shell remounts (keyed by user) on the start page, the first user's input is gone
                  window.location.hash = '#/studies';
                  signedIn(next);
                }
                onUnlocked();
              }}
            />
          )}
        </Card>
      </main>
      <footer className="td-auth-footer">{t('lock.notice')}</footer>
    </div>
  );
  // straight into <body>, beside the app and its portals (which turn inert)
  return createPortal(screen, document.body);
}

function UnlockForm({
  user,
  onUnlocked,
  onOther,
  onSignOut,
}: {
  user: SessionUser;
  onUnlocked: () => void;
  onOther: () => void;
  onSignOut: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  const finish = async ({ password }: { password: string }) => {
    setBusy(true);
    setAlert(null);
    try {
      await call('auth.unlock', { password: password ?? '' });
      onUnlocked();
    } catch (err) {
      form.setFieldValue('password', '');
      setAlert(applyFieldErrors(form, asApiError(err), ['password']));
      setBusy(false);
    }
  };

  return (
    <>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12 }}>
        <Avatar size={44} icon={<LockOutlined />} style={{ background: '#14304d', flex: 'none' }} />
        <div>
          <Typography.Title level={4} style={{ margin: 0 }} id="td-lock-title">
            {t('lock.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('lock.intro')}</Typography.Text>
        </div>
      </div>
      <Typography.Paragraph style={{ marginBottom: 12 }} data-testid="lock-user">
        <UserOutlined /> {t('lock.who', { name: user.displayName, username: user.username })}
      </Typography.Paragraph>
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void finish(v)}
        disabled={busy}
      >
        {/* the user name for password managers and screen readers; not editable here */}
        <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
        <Form.Item name="password" label={t('fields.password')}>
          <Input.Password prefix={<LockOutlined />} autoFocus autoComplete="current-password" />
        </Form.Item>
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('lock.unlock')}
          </Button>
        </Form.Item>
      </Form>
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={onOther}>
          {t('lock.otherUser')}
        </Button>
        <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={() => void onSignOut()}>
          {t('lock.signOut')}
        </Button>
      </div>
    </>
  );
}

function OtherUserForm({
  user,
  onBack,
  onSignedIn,
}: {
  user: SessionUser;
  onBack: () => void;
  onSignedIn: (user: SessionUser) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  const finish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setAlert(null);
    try {
      onSignedIn(await call('auth.login', { username: values.username ?? '', password: values.password ?? '' }));
    } catch (err) {
      form.setFieldValue('password', '');
      setAlert(applyFieldErrors(form, asApiError(err), ['username', 'password']));
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }} id="td-lock-title">
        {t('lock.otherUser')}
      </Typography.Title>
      <Alert
        type="warning"
        showIcon
        title={t('lock.otherUserIntro', { name: user.displayName })}
        style={{ marginBottom: 16 }}
      />
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void finish(v)}
        disabled={busy}
      >
        <Form.Item name="username" label={t('fields.username')}>
          <Input prefix={<UserOutlined />} autoFocus autoComplete="off" />
        </Form.Item>
        <Form.Item name="password" label={t('fields.password')}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('auth.loginSubmit')}
          </Button>
        </Form.Item>
      </Form>
      <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={onBack}>
        {t('lock.backToUnlock')}
      </Button>
    </>
  );
}
