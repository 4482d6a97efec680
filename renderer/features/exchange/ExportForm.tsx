/**
 * The export form: what (sponsor logs or SDTM domains, which sheets), in which language, for which centers and dates, to
 * whom, and whether only the changes since the last delivery to them. The workbook is downloaded (the desktop app asks
 * where to save it) and the rows per sheet stay on screen; the server records the delivery.
 */
import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Checkbox,
  DatePicker,
  Descriptions,
  Form,
  Radio,
  Select,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale, StudyDetail } from '../../../electron/api';
import { exportKinds, type DeliveryView, type ExportKind, type ExportResult } from '../../../electron/api/exchange';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { DATE, formatDateTime } from '../../i18n/format';
import { downloadBase64 } from '../audit/AuditTrailPage';
import { clearChangedErrors } from '../subjects/forms';
import { FormAlert } from '../subjects/useModalSubmit';
import {
  XLSX_MIME,
  kindText,
  placeExportErrors,
  sheetText,
  sheetsOf,
  utcOffsetMinutes,
  type ExportSheet,
} from './labels';

interface Values {
  kind: ExportKind;
  sheets: ExportSheet[];
  lang: Locale;
  centerIds: number[];
  range: [Dayjs | null, Dayjs | null] | null;
  recipient?: string;
  changesOnly: boolean;
}

const sameRecipient = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function ExportForm({
  study,
  deliveries,
  onExported,
}: {
  study: StudyDetail;
  /** the study's deliveries, newest first: the recipients offered, and whether "changes only" can apply */
  deliveries: DeliveryView[];
  onExported: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { locale } = useSession();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const [done, setDone] = useState<ExportResult | null>(null);

  const kind = Form.useWatch('kind', form) ?? 'sponsor';
  const recipient = Form.useWatch('recipient', form) ?? '';
  // the delivery a changes-only export would continue (the server's rule: same study, kind and recipient)
  const previous = recipient.trim()
    ? deliveries.find((d) => d.kind === kind && sameRecipient(d.recipient, recipient))
    : undefined;
  useEffect(() => {
    if (!previous && form.getFieldValue('changesOnly')) form.setFieldValue('changesOnly', false);
  }, [previous, form]);
  // the workbook's language follows the screen's until the user chooses one
  useEffect(() => {
    if (!form.isFieldTouched('lang')) form.setFieldValue('lang', locale);
  }, [locale, form]);

  const recipients = useMemo(() => {
    const seen: string[] = [];
    for (const d of deliveries) if (!seen.some((r) => sameRecipient(r, d.recipient))) seen.push(d.recipient);
    return seen;
  }, [deliveries]);

  const submit = async (v: Values) => {
    setBusy(true);
    setAlert(null);
    setDone(null);
    try {
      const out = await call('exchange.export', {
        studyId: study.id,
        kind: v.kind,
        sheets: v.sheets ?? [],
        lang: v.lang,
        centerIds: v.centerIds ?? [],
        from: v.range?.[0]?.format(DATE) ?? null,
        to: v.range?.[1]?.format(DATE) ?? null,
        recipient: v.recipient ?? '',
        changesOnly: v.changesOnly ?? false,
        utcOffsetMinutes: utcOffsetMinutes(),
      });
      downloadBase64(out.fileName, out.base64, XLSX_MIME);
      setDone(out);
      void message.success(t('exchangeUi.exported', { file: out.fileName }));
      onExported();
    } catch (err) {
      setAlert(placeExportErrors(form, asApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  const changesHint = !recipient.trim()
    ? t('exchangeUi.hints.noRecipient')
    : previous
      ? t('exchangeUi.hints.since', { kind: kindText(kind), when: formatDateTime(previous.exportedAt) })
      : t('exchangeUi.hints.noPrevious', { kind: kindText(kind) });

  return (
    <div style={{ flex: '1 1 560px', maxWidth: 760 }} data-testid="export-form">
      <FormAlert text={alert} testId="export-alert" />
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          kind: 'sponsor',
          sheets: [...sheetsOf('sponsor')],
          lang: locale,
          centerIds: [],
          range: null,
          changesOnly: false,
        }}
        onValuesChange={(changed: Partial<Values>) => {
          clearChangedErrors(form)(changed);
          // another kind: all of its sheets, as on first opening
          if (changed.kind) form.setFieldValue('sheets', [...sheetsOf(changed.kind)]);
        }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="kind" label={t('exchangeUi.fields.kind')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={exportKinds.map((k) => ({ value: k, label: kindText(k) }))}
          />
        </Form.Item>
        <Form.Item
          name="sheets"
          label={t('exchangeUi.fields.sheets')}
          extra={kind === 'sdtm' ? t('exchangeUi.hints.sdtmSheets') : t('exchangeUi.hints.sheets')}
        >
          <Checkbox.Group
            data-testid="export-sheets"
            options={sheetsOf(kind).map((s) => ({ value: s, label: sheetText(s) }))}
          />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item name="lang" label={t('exchangeUi.fields.lang')} style={{ flex: '0 0 auto' }}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={(['zh-CN', 'en'] as const).map((l) => ({ value: l, label: t(`exchangeUi.langs.${l}`) }))}
            />
          </Form.Item>
          <Form.Item name="centerIds" label={t('exchangeUi.fields.centerIds')} style={{ flex: '1 1 280px' }}>
            <Select
              mode="multiple"
              allowClear
              placeholder={t('exchangeUi.hints.allCenters')}
              showSearch={{ optionFilterProp: 'label' }}
              options={study.centers.map((c) => ({ value: c.id, label: `${c.code} · ${c.hospitalName}` }))}
            />
          </Form.Item>
        </div>
        <Form.Item name="range" label={t('exchangeUi.fields.range')} extra={t('exchangeUi.hints.range')}>
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            format={[t('format.date'), DATE]}
            placeholder={[t('exchangeUi.hints.rangeStart'), t('exchangeUi.hints.rangeEnd')]}
            style={{ width: 320 }}
          />
        </Form.Item>
        <Form.Item
          name="recipient"
          label={t('exchangeUi.fields.recipient')}
          extra={t('exchangeUi.hints.recipientNote')}
          required
        >
          <AutoComplete
            // what is typed already is no suggestion (and would pop the list open again after an export)
            options={recipients.filter((r) => r !== recipient).map((r) => ({ value: r, label: r }))}
            showSearch={{
              filterOption: (input, option) =>
                String(option?.value ?? '')
                  .toLowerCase()
                  .includes(input.trim().toLowerCase()),
            }}
            placeholder={t('exchangeUi.hints.recipient')}
            maxLength={100}
            style={{ maxWidth: 420 }}
          />
        </Form.Item>
        <Form.Item name="changesOnly" valuePropName="checked" extra={changesHint}>
          <Checkbox disabled={!previous} data-testid="export-changes-only">
            {t('exchangeUi.fields.changesOnly')}
          </Checkbox>
        </Form.Item>
        <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
          <Button
            type="primary"
            htmlType="submit"
            icon={<DownloadOutlined />}
            loading={busy}
            data-testid="export-submit"
          >
            {t('exchangeUi.export')}
          </Button>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {busy ? t('exchangeUi.hints.slow') : t('exchangeUi.hints.deIdentified')}
          </Typography.Text>
        </div>
      </Form>
      {done && <ExportDone out={done} onClose={() => setDone(null)} />}
    </div>
  );
}

/** What was written: the file, full or changes since when, and the rows of each sheet. */
function ExportDone({ out, onClose }: { out: ExportResult; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="success"
      showIcon
      closable={{ onClose }}
      style={{ marginTop: 16 }}
      data-testid="export-done"
      title={t('exchangeUi.exported', { file: out.fileName })}
      description={
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {out.since
              ? t('exchangeUi.exportedChanges', { when: formatDateTime(out.since) })
              : t('exchangeUi.exportedFull')}
            {' · '}
            {t('exchangeUi.savedAs')}
          </Typography.Paragraph>
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, sm: 2, lg: 3 }}
            title={<span style={{ fontSize: 13 }}>{t('exchangeUi.rows')}</span>}
            items={Object.entries(out.rows).map(([sheet, rows]) => ({
              key: sheet,
              label: sheet,
              children: <span data-testid={`export-rows-${sheet}`}>{t('exchangeUi.rowsOf', { rows })}</span>,
            }))}
          />
        </>
      }
    />
  );
}
