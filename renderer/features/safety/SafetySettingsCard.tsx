/**
 * The study's safety settings: how severity is graded (CTCAE grade 1–5, or mild / moderate / severe) — fixed once AEs
 * are recorded, which the server enforces — and the SAE report limit in hours (24 by default). Changed by study editors
 * with a reason; read by everyone else.
 */
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { aeSeverityScales, type AeSeverityScale } from '../../../electron/api/safety';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useCanEditStudies } from '../../app/permissions';
import { placeAeErrors } from '../aes/forms';
import { clearChangedErrors } from '../subjects/forms';
import { FormAlert } from '../subjects/useModalSubmit';
import { safetyError } from './labels';

interface Values {
  severityScale: AeSeverityScale;
  saeReportHours: number | null;
  reason?: string;
}

export function SafetySettingsCard({ studyId }: { studyId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canEdit = useCanEditStudies();
  const [refresh, setRefresh] = useState(0);
  const q = useApiQuery('safety.settings', { studyId }, refresh);
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  const save = async (v: Values) => {
    setBusy(true);
    setAlert(null);
    try {
      await call('safety.updateSettings', {
        studyId,
        severityScale: v.severityScale,
        // left empty: sent as null, and the server says what it needs
        saeReportHours: v.saeReportHours ?? Number.NaN,
        reason: v.reason ?? null,
      });
      void message.success(t('safetyUi.settings.saved'));
      form.setFieldValue('reason', '');
      setRefresh((n) => n + 1);
    } catch (err) {
      setAlert(placeAeErrors(form, asApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  const settings = q.data;
  const scaleText = (s: AeSeverityScale) => t(`safetyUi.settings.scales.${s}`);
  return (
    <Card size="small" title={t('safetyUi.settings.title')} style={{ maxWidth: 720 }} data-testid="safety-settings">
      {!settings ? (
        q.error ? (
          <Alert type="error" showIcon title={safetyError(q.error)} />
        ) : (
          <Skeleton active paragraph={{ rows: 3 }} />
        )
      ) : !canEdit ? (
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'scale', label: t('safetyUi.settings.severityScale'), children: scaleText(settings.severityScale) },
            { key: 'hours', label: t('safetyUi.settings.saeReportHours'), children: settings.saeReportHours },
          ]}
        />
      ) : (
        <>
          <FormAlert text={alert} testId="safety-settings-alert" />
          <Form<Values>
            key={`${settings.severityScale}-${settings.saeReportHours}-${settings.aeCount}`}
            form={form}
            layout="vertical"
            initialValues={{ severityScale: settings.severityScale, saeReportHours: settings.saeReportHours }}
            onValuesChange={clearChangedErrors(form)}
            onFinish={(v) => void save(v)}
          >
            <Form.Item
              name="severityScale"
              label={t('safetyUi.settings.severityScale')}
              extra={settings.aeCount > 0 ? t('safetyUi.settings.locked', { count: settings.aeCount }) : undefined}
            >
              <Radio.Group
                disabled={settings.aeCount > 0}
                options={aeSeverityScales.map((s) => ({ value: s, label: scaleText(s) }))}
              />
            </Form.Item>
            <Form.Item
              name="saeReportHours"
              label={t('safetyUi.settings.saeReportHours')}
              extra={t('safetyUi.settings.hoursHint')}
              required
            >
              <InputNumber min={1} max={720} precision={0} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="reason" label={t('safetyUi.settings.reason')}>
              <Input.TextArea
                rows={2}
                maxLength={500}
                showCount
                placeholder={t('safetyUi.settings.reasonPlaceholder')}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('safetyUi.settings.save')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
