import { PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Table, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StudyListItem, Worklist, WorklistRow } from '../../../electron/api';
import { useSession } from '../../app/session';
import { formatDate, formatDateTime } from '../../i18n/format';
import { cycleDayText, holidayText, windowText } from './labels';
import type { WorklistFilters } from './VisitsPage';

/**
 * Today's visits on paper for the coordinator's rounds: a blank column to tick off who came. Printed as the
 * identification code list is (styles.css, @media print: the app around the list is hidden).
 */
export function PrintList({
  list,
  studies,
  filters,
}: {
  list: Worklist;
  studies: StudyListItem[] | undefined;
  filters: WorklistFilters;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const study = studies?.find((s) => s.id === filters.studyId);

  const columns: TableProps<WorklistRow>['columns'] = [
    { key: 'index', title: '#', width: 36, align: 'right', render: (_: unknown, _r, i) => i + 1 },
    { key: 'protocol', title: t('visitsUi.fields.protocolNumber'), dataIndex: 'protocolNumber', width: 140 },
    { key: 'center', title: t('visitsUi.fields.center'), dataIndex: 'centerCode', width: 50 },
    {
      key: 'subject',
      title: t('visitsUi.fields.subject'),
      dataIndex: 'subjectLabel',
      width: 90,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    { key: 'initials', title: t('visitsUi.fields.initials'), dataIndex: 'initials', width: 70 },
    {
      key: 'visit',
      title: t('visitsUi.fields.visit'),
      render: (_: unknown, r) => (
        <>
          <span className="td-mono" style={{ fontWeight: 600 }}>
            {r.code}
          </span>{' '}
          {r.name}
          {r.cycleDay !== null && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {' '}
              · {cycleDayText(r.cycle, r.cycleDay)}
            </Typography.Text>
          )}
        </>
      ),
    },
    {
      key: 'target',
      title: t('visitsUi.fields.targetDate'),
      width: 130,
      render: (_: unknown, r) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {formatDate(r.targetDate)}
          {r.targetHoliday ? ` (${holidayText(r.targetHoliday)})` : ''}
        </span>
      ),
    },
    {
      key: 'window',
      title: t('visitsUi.fields.window'),
      width: 190,
      render: (_: unknown, r) => <span style={{ whiteSpace: 'nowrap' }}>{windowText(r.windowStart, r.windowEnd)}</span>,
    },
    // left blank: ticked and signed by hand
    // room for a tick and a word written by hand
    {
      key: 'tick',
      title: t('visitsUi.fields.tick'),
      width: 70,
      render: () => null,
      onCell: () => ({ style: { height: 34 } }),
    },
    { key: 'notes', title: t('visitsUi.fields.notes'), width: 140, render: () => null },
  ];

  return (
    <div className="td-print-area" data-testid="print-list">
      <div className="td-print-heading">
        <Typography.Title level={5} style={{ margin: '0 0 4px' }}>
          {t('visitsUi.print.title')}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('visitsUi.print.heading', {
            date: formatDate(list.today),
            scope: study ? `${study.protocolNumber} · ${study.shortTitle}` : t('visitsUi.print.allScope'),
            user: user?.displayName ?? '',
            time: formatDateTime(new Date().toISOString()),
          })}
        </Typography.Text>
      </div>
      <div className="td-toolbar td-no-print">
        <Alert type="info" showIcon title={t('visitsUi.print.hint')} style={{ flex: 1, padding: '4px 12px' }} />
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          {t('visitsUi.print.button')}
        </Button>
      </div>
      <Table<WorklistRow>
        size="small"
        bordered
        rowKey="visitId"
        columns={columns}
        dataSource={list.dueToday}
        // the whole day at once: it is printed
        pagination={false}
        locale={{ emptyText: t('visitsUi.print.empty') }}
      />
    </div>
  );
}
