/**
 * The study's export settings: whether the sponsor logs carry subjects' initials (only where the protocol allows them
 * to leave the site). Changed by study editors, with a reason for the audit trail; shown read-only to monitors.
 */
import { Alert, App, Card, Skeleton, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useCanEditStudies } from '../../app/permissions';
import { translateError } from '../../components/formErrors';
import { ReasonModal } from '../../components/ReasonModal';

export function ExportSettingsCard({ studyId }: { studyId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canEdit = useCanEditStudies();
  const [refresh, setRefresh] = useState(0);
  const q = useApiQuery('exchange.settings', { studyId }, refresh);
  // the value the user is switching to, asked the reason for (kept while the modal closes, so its text stays)
  const [target, setTarget] = useState(false);
  const [asking, setAsking] = useState(false);

  const save = async (initials: boolean, reason: string | null) => {
    await call('exchange.updateSettings', { studyId, initials, reason: reason ?? '' });
    setAsking(false);
    setRefresh((n) => n + 1);
    void message.success(t('exchangeUi.settings.saved'));
  };

  const settings = q.data;
  return (
    <Card size="small" title={t('exchangeUi.settings.title')} data-testid="export-settings">
      {!settings ? (
        q.error ? (
          <Alert type="error" showIcon title={translateError(q.error)} />
        ) : (
          <Skeleton active paragraph={{ rows: 2 }} />
        )
      ) : (
        <>
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 12 }}>
            <span id="export-initials-label">{t('exchangeUi.settings.initials')}</span>
            {canEdit ? (
              <Switch
                checked={settings.initials}
                loading={q.loading}
                onChange={(on) => {
                  setTarget(on);
                  setAsking(true);
                }}
                aria-labelledby="export-initials-label"
                data-testid="export-initials"
              />
            ) : (
              <Tag color={settings.initials ? 'orange' : 'default'} variant="filled" data-testid="export-initials">
                {settings.initials ? t('exchangeUi.settings.on') : t('exchangeUi.settings.off')}
              </Tag>
            )}
          </div>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
            {t('exchangeUi.settings.initialsHint')}
            {!canEdit && ` ${t('exchangeUi.settings.readOnly')}`}
          </Typography.Paragraph>
        </>
      )}
      <ReasonModal
        open={asking}
        title={target ? t('exchangeUi.settings.turnOnTitle') : t('exchangeUi.settings.turnOffTitle')}
        description={target ? t('exchangeUi.settings.turnOn') : t('exchangeUi.settings.turnOff')}
        reasonRequired
        okText={t('common.save')}
        onSubmit={({ reason }) => save(target, reason)}
        onCancel={() => setAsking(false)}
      />
    </Card>
  );
}
