/**
 * Column mapping for an import: each header the app did not recognise is given its field, or ignored; when dates such
 * as 05/03/2024 were refused, the file's day/month order is chosen. The answers go with the next validation (and are
 * saved for the source when that validation is committed with a source named).
 */
import { Button, Card, Radio, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DayMonthOrder, ImportReport, UnknownHeader } from '../../../electron/api/imports';
import { useSession } from '../../app/session';

/** The user's answers so far, by header key: the field, or null to ignore the column (the header text for display). */
export type HeaderAnswers = Record<string, { text: string; field: string | null }>;

/** a Select value for "ignore this column" (a field name never starts with a dash) */
const IGNORE = '-ignore';

export function ImportMappingForm({
  report,
  answers,
  dayMonthOrder,
  askDayMonthOrder,
  sponsor,
  onApply,
}: {
  report: ImportReport;
  answers: HeaderAnswers;
  dayMonthOrder: DayMonthOrder | null;
  askDayMonthOrder: boolean;
  sponsor: string;
  onApply: (answers: HeaderAnswers, dayMonthOrder: DayMonthOrder | null) => void;
}) {
  const { t } = useTranslation();
  const { locale } = useSession();
  const [choices, setChoices] = useState<Record<string, string | undefined>>(() =>
    Object.fromEntries(
      report.unknownHeaders.map((u) => {
        const a = answers[u.key];
        return [u.key, a ? (a.field ?? IGNORE) : undefined];
      }),
    ),
  );
  const [order, setOrder] = useState<DayMonthOrder | null>(dayMonthOrder);

  const fieldName = (f: ImportReport['fields'][number]) => {
    const [first, second] = locale === 'en' ? [f.en, f.zh] : [f.zh, f.en];
    return `${first} · ${second}${f.required ? `（${t('exchangeUi.import.mapping.required')}）` : ''}`;
  };
  // the fields of the header's sheet
  const optionsFor = (u: UnknownHeader) => {
    const fields = report.fields.filter((f) => f.sheet === u.sheetKey);
    return [
      { value: IGNORE, label: t('exchangeUi.import.mapping.ignore') },
      ...fields.map((f) => ({ value: f.field, label: fieldName(f) })),
    ];
  };

  const applied = Object.entries(answers).filter(([key]) => !report.unknownHeaders.some((u) => u.key === key));
  const labelOf = (field: string) => {
    const f = report.fields.find((x) => x.field === field);
    return f ? (locale === 'en' ? f.en : f.zh) : field;
  };

  const apply = () => {
    const next: HeaderAnswers = { ...answers };
    for (const u of report.unknownHeaders) {
      const choice = choices[u.key];
      if (choice !== undefined) next[u.key] = { text: u.text, field: choice === IGNORE ? null : choice };
    }
    onApply(next, askDayMonthOrder ? order : dayMonthOrder);
  };
  const changed =
    report.unknownHeaders.some((u) => choices[u.key] !== undefined) ||
    (askDayMonthOrder && order !== dayMonthOrder && order !== null);

  return (
    <Card
      size="small"
      title={t('exchangeUi.import.mapping.title')}
      style={{ margin: '12px 0', maxWidth: 860 }}
      data-testid="import-mapping"
    >
      {report.unknownHeaders.length > 0 && (
        <>
          <Typography.Paragraph type="secondary">{t('exchangeUi.import.mapping.intro')}</Typography.Paragraph>
          <Table<UnknownHeader>
            size="small"
            pagination={false}
            rowKey={(u) => `${u.sheet}\u0000${u.column}`}
            dataSource={report.unknownHeaders}
            style={{ marginBottom: 12 }}
            columns={[
              {
                key: 'column',
                title: t('exchangeUi.import.mapping.column'),
                width: 90,
                render: (_, u) => (
                  <span className="td-mono">
                    {u.sheet} · {u.column}
                  </span>
                ),
              },
              {
                key: 'header',
                title: t('exchangeUi.import.mapping.header'),
                render: (_, u) => <Typography.Text strong>{u.text}</Typography.Text>,
              },
              {
                key: 'field',
                title: t('exchangeUi.import.mapping.field'),
                width: 380,
                render: (_, u) => (
                  <Select
                    style={{ width: '100%' }}
                    aria-label={u.text}
                    placeholder={t('exchangeUi.import.mapping.choose')}
                    showSearch={{ optionFilterProp: 'label' }}
                    value={choices[u.key]}
                    onChange={(v: string) => setChoices((c) => ({ ...c, [u.key]: v }))}
                    options={optionsFor(u)}
                    popupMatchSelectWidth={false}
                    data-testid={`import-map-${u.column}`}
                  />
                ),
              },
            ]}
          />
        </>
      )}
      {askDayMonthOrder && (
        <div style={{ marginBottom: 12 }} data-testid="import-day-month">
          <Typography.Paragraph type="secondary" style={{ marginBottom: 6 }}>
            {t('exchangeUi.import.mapping.dayMonthHint')}
          </Typography.Paragraph>
          <Typography.Text style={{ marginInlineEnd: 12 }}>
            {t('exchangeUi.import.mapping.dayMonthOrder')}
          </Typography.Text>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            value={order}
            onChange={(e) => setOrder(e.target.value as DayMonthOrder)}
            options={(['dmy', 'mdy'] as const).map((o) => ({ value: o, label: t(`exchangeUi.import.mapping.${o}`) }))}
          />
        </div>
      )}
      {applied.length > 0 && (
        <div style={{ marginBottom: 12 }} data-testid="import-mapping-applied">
          <Typography.Text type="secondary" style={{ marginInlineEnd: 8 }}>
            {t('exchangeUi.import.mapping.applied')}
          </Typography.Text>
          {applied.map(([key, a]) => (
            <Tag key={key}>
              {a.text} → {a.field === null ? t('exchangeUi.import.mapping.ignored') : labelOf(a.field)}
            </Tag>
          ))}
          <Button type="link" size="small" onClick={() => onApply({}, null)}>
            {t('exchangeUi.import.mapping.clear')}
          </Button>
        </div>
      )}
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
        <Button onClick={apply} disabled={!changed} data-testid="import-remap">
          {t('exchangeUi.import.mapping.apply')}
        </Button>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {sponsor ? t('exchangeUi.import.mapping.saveFor', { sponsor }) : t('exchangeUi.import.mapping.noSponsor')}
        </Typography.Text>
      </div>
    </Card>
  );
}
