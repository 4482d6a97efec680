/**
 * Official holidays and make-up working days (调休上班), year by year: visit targets that fall on a day off are marked in
 * the worklist, the calendar and the schedule preview (never moved). Loaded from the State Council's notice shipped with
 * the app, or entered by hand; administrators change them, everyone reads them.
 */
import { CloudDownloadOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HolidayKind, HolidayView } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { DateField } from '../../components/DateField';
import { ErrorState } from '../../components/ErrorState';
import { translateError } from '../../components/formErrors';
import { formatDate } from '../../i18n/format';
import { holidayKindOptions, weekday } from '../schedules/labels';
import { clearChangedErrors } from '../subjects/forms';
import { FormAlert, useModalSubmit } from '../subjects/useModalSubmit';

const KIND_COLOR: Record<HolidayKind, string> = { holiday: 'red', workday: 'blue' };

export function HolidaysCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const canEdit = user?.role === 'admin';
  const [year, setYear] = useState(() => dayjs().year());
  const [refresh, setRefresh] = useState(0);
  const list = useApiQuery('holidays.list', { year }, refresh);
  const [editing, setEditing] = useState<{ holiday: HolidayView | null; open: boolean; n: number }>({
    holiday: null,
    open: false,
    n: 0,
  });
  const [loading, setLoading] = useState(false);
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const reload = () => setRefresh((r) => r + 1);

  const loadOfficial = async () => {
    setLoading(true);
    setResult(null);
    try {
      const r = await call('holidays.loadOfficial', { year });
      setResult({
        type: 'success',
        text: t('schedulesUi.holidays.loaded', {
          year,
          added: r.added,
          updated: r.updated,
          unchanged: r.unchanged,
          available: r.available.join(t('format.listSeparator')),
        }),
      });
      reload();
    } catch (err) {
      setResult({ type: 'error', text: translateError(asApiError(err)) });
    } finally {
      setLoading(false);
    }
  };

  const remove = async (date: string) => {
    try {
      await call('holidays.remove', { date });
      void message.success(t('schedulesUi.holidays.removed', { date: formatDate(date) }));
      reload();
    } catch (err) {
      void message.error(translateError(asApiError(err)));
    }
  };

  const columns: TableProps<HolidayView>['columns'] = [
    {
      key: 'date',
      title: t('schedulesUi.holidays.date'),
      dataIndex: 'date',
      width: 130,
      render: (v: string) => <span className="td-mono">{formatDate(v)}</span>,
    },
    { key: 'weekday', title: t('schedulesUi.holidays.weekday'), width: 90, render: (_: unknown, r) => weekday(r.date) },
    {
      key: 'kind',
      title: t('schedulesUi.holidays.kind'),
      dataIndex: 'kind',
      width: 120,
      render: (v: HolidayKind) => (
        <Tag color={KIND_COLOR[v]} variant="filled">
          {t(`schedulesUi.holidayKind.${v}`)}
        </Tag>
      ),
    },
    { key: 'name', title: t('schedulesUi.holidays.name'), dataIndex: 'name' },
    ...(canEdit
      ? [
          {
            key: 'actions',
            title: '',
            width: 90,
            render: (_: unknown, r: HolidayView) => (
              <Space size={0}>
                <Button
                  type="text"
                  size="small"
                  icon={<EditOutlined />}
                  aria-label={t('schedulesUi.holidays.editOne', { date: r.date })}
                  title={t('common.edit')}
                  onClick={() => setEditing((e) => ({ holiday: r, open: true, n: e.n + 1 }))}
                />
                <Popconfirm
                  title={t('schedulesUi.holidays.removeConfirm', { date: formatDate(r.date), name: r.name })}
                  okText={t('schedulesUi.holidays.remove')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => void remove(r.date)}
                >
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('schedulesUi.holidays.removeOne', { date: r.date })}
                    title={t('schedulesUi.holidays.remove')}
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const holidays = list.data ?? [];
  const days = {
    holiday: holidays.filter((h) => h.kind === 'holiday').length,
    workday: holidays.filter((h) => h.kind === 'workday').length,
  };

  return (
    <Card title={t('schedulesUi.holidays.title')} size="small" style={{ marginBottom: 16 }} data-testid="holidays-card">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('schedulesUi.holidays.intro')}
      </Typography.Paragraph>
      <div className="td-toolbar">
        <DatePicker
          picker="year"
          allowClear={false}
          aria-label={t('schedulesUi.holidays.year')}
          value={dayjs().year(year)}
          onChange={(d) => {
            if (d) setYear(d.year());
            setResult(null);
          }}
          style={{ width: 120 }}
          data-testid="holiday-year"
        />
        {canEdit && (
          <>
            <Button icon={<CloudDownloadOutlined />} loading={loading} onClick={() => void loadOfficial()}>
              {t('schedulesUi.holidays.loadOfficial', { year })}
            </Button>
            <Button
              icon={<PlusOutlined />}
              onClick={() => setEditing((e) => ({ holiday: null, open: true, n: e.n + 1 }))}
            >
              {t('schedulesUi.holidays.add')}
            </Button>
          </>
        )}
        {list.data && (
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 'auto' }}>
            {t('schedulesUi.holidays.count', { year, holidays: days.holiday, workdays: days.workday })}
          </Typography.Text>
        )}
      </div>
      {result && (
        <Alert
          type={result.type}
          showIcon
          title={result.text}
          closable
          onClose={() => setResult(null)}
          style={{ marginBottom: 12 }}
          data-testid="holidays-result"
        />
      )}
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (
        <Table<HolidayView>
          size="small"
          rowKey="date"
          columns={columns}
          dataSource={holidays}
          loading={list.loading}
          pagination={false}
          scroll={{ y: 420 }}
          locale={{ emptyText: t('schedulesUi.holidays.empty', { year }) }}
          data-testid="holidays-table"
        />
      )}
      <HolidayModal
        // a new form each time it opens: nothing of the last one is kept
        key={editing.n}
        open={editing.open}
        holiday={editing.holiday}
        year={year}
        onClose={() => setEditing((e) => ({ ...e, open: false }))}
        onSaved={() => {
          setEditing((e) => ({ ...e, open: false }));
          void message.success(t('common.saved'));
          reload();
        }}
      />
    </Card>
  );
}

interface HolidayValues {
  date: string | null;
  kind: HolidayKind;
  name?: string;
}

/** One day: a holiday, or a weekend day worked instead. A day is changed by its date, which stays. */
function HolidayModal({
  open,
  holiday,
  year,
  onClose,
  onSaved,
}: {
  open: boolean;
  holiday: HolidayView | null;
  year: number;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<HolidayValues>();
  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: HolidayValues) => call('holidays.save', { date: v.date ?? '', kind: v.kind, name: v.name ?? '' }),
    onSaved,
    onClose,
  });
  // a new day starts in the year shown: on its first of January, or today in the current year
  const start = dayjs().year() === year ? dayjs() : dayjs(`${year}-01-01`);

  return (
    <Modal
      open={open}
      width={440}
      title={holiday ? t('schedulesUi.holidays.editTitle') : t('schedulesUi.holidays.addTitle')}
      okText={t('common.save')}
      {...modalProps}
    >
      <FormAlert text={alert} testId="holiday-alert" />
      <Form<HolidayValues>
        form={form}
        name="holiday"
        layout="vertical"
        preserve={false}
        initialValues={holiday ?? { date: start.format('YYYY-MM-DD'), kind: 'holiday' }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Form.Item name="date" label={t('schedulesUi.holidays.date')} required>
          <DateField disabled={holiday !== null} />
        </Form.Item>
        <Form.Item name="kind" label={t('schedulesUi.holidays.kind')} required>
          <Radio.Group options={holidayKindOptions()} optionType="button" />
        </Form.Item>
        <Form.Item name="name" label={t('schedulesUi.holidays.name')} required>
          <Input maxLength={50} placeholder={t('schedulesUi.holidays.namePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
