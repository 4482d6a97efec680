import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Brand } from '../../app/Brand';
import { LanguageSwitch } from '../../components/LanguageSwitch';

/** Sign-in and first-run screens: the brand, the language switch (available before sign-in) and one card. */
export function AuthLayout({
  title,
  intro,
  children,
  width,
}: {
  title: string;
  intro: ReactNode;
  children: ReactNode;
  /** wider than the sign-in card (the recovery screen's table) */
  width?: number;
}) {
  const { t } = useTranslation();
  return (
    <div className="td-auth">
      <header className="td-auth-top td-header">
        <Brand />
        <LanguageSwitch />
      </header>
      <main>
        <Card
          className="td-auth-card"
          style={width ? { width } : undefined}
          styles={{ body: { padding: '24px 28px 8px' } }}
        >
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {title}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>
          {children}
        </Card>
      </main>
      <footer className="td-auth-footer">{t('auth.footer')}</footer>
    </div>
  );
}
