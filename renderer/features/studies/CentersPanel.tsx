import { HomeOutlined, PlusOutlined, StarFilled } from '@ant-design/icons';
import { App, Button, Empty, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Center, CenterStatus, StudyDetail } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { needsReason } from '../../components/formErrors';
import { ReasonModal } from '../../components/ReasonModal';
import { CenterStatusTag } from '../../components/StatusTag';
import { DATE, formatDate } from '../../i18n/format';
import { CenterFormModal } from './CenterFormModal';
import { useCanEditStudies } from '../../app/permissions';

type CenterAction = 'activate' | 'close' | 'reopen';
/** The moves a center's row offers; whether one is allowed now, and what it needs, the server decides. */
const actionsFor: Record<CenterStatus, CenterAction[]> = {
  pending: ['activate', 'close'],
  active: ['close'],
  closed: ['reopen'],
};
const target: Record<CenterAction, CenterStatus> = { activate: 'active', close: 'closed', reopen: 'active' };

export function CentersPanel({ study, onChanged }: { study: StudyDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Center | 'new' | null>(null);
  const canEdit = useCanEditStudies();
  const [moving, setMoving] = useState<{ center: Center; action: CenterAction; reasonAsked: boolean } | null>(null);

  const changeStatus = async (reason: string | null, date: string | null) => {
    if (!moving) return;
    const { center, action } = moving;
    try {
      const c = await call('centers.changeStatus', { id: center.id, status: target[action], date, reason });
      setMoving(null);
      void message.success(t('centers.statusSaved', { code: c.code, status: t(`centerStatus.${c.status}`) }));
      onChanged();
    } catch (err) {
      if (needsReason(asApiError(err), 'validation.reasonRequiredForStatus'))
        setMoving({ ...moving, reasonAsked: true });
      throw err;
    }
  };

  const columns: TableProps<Center>['columns'] = [
    {
      key: 'code',
      title: t('fields.code'),
      dataIndex: 'code',
      width: 150,
      render: (code: string, c) => (
        <Space size={4}>
          <span className="td-mono">{code}</span>
          {c.isLead && (
            <Tag color="gold" icon={<StarFilled />} variant="filled">
              {t('centers.lead')}
            </Tag>
          )}
          {c.isOwn && (
            <Tag color="blue" icon={<HomeOutlined />} variant="filled">
              {t('centers.own')}
            </Tag>
          )}
        </Space>
      ),
    },
    { key: 'hospitalName', title: t('fields.hospitalName'), dataIndex: 'hospitalName', ellipsis: true },
    { key: 'city', title: t('fields.city'), dataIndex: 'city', width: 90, render: (v: string | null) => v ?? '' },
    { key: 'pi', title: t('fields.pi'), dataIndex: 'pi', width: 110 },
    {
      key: 'enrollmentTarget',
      title: t('fields.enrollmentTarget'),
      dataIndex: 'enrollmentTarget',
      width: 80,
      align: 'right',
      render: (v: number | null) => v ?? t('common.empty'),
    },
    {
      key: 'hardCap',
      title: t('fields.hardCap'),
      dataIndex: 'hardCap',
      width: 80,
      align: 'right',
      render: (v: number | null) => v ?? t('common.empty'),
    },
    {
      key: 'activationDate',
      title: t('fields.activationDate'),
      dataIndex: 'activationDate',
      width: 130,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'status',
      title: t('fields.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: CenterStatus, c) =>
        c.statusReason ? (
          <Tooltip title={c.statusReason}>
            <span>
              <CenterStatusTag status={s} />
            </span>
          </Tooltip>
        ) : (
          <CenterStatusTag status={s} />
        ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 170,
      hidden: !canEdit,
      render: (_: unknown, c) => (
        <Space size={0} wrap={false}>
          <Button type="link" size="small" onClick={() => setEditing(c)}>
            {t('common.edit')}
          </Button>
          {actionsFor[c.status].map((action) => (
            <Button
              key={action}
              type="link"
              size="small"
              danger={action === 'close'}
              onClick={() => setMoving({ center: c, action, reasonAsked: false })}
            >
              {t(`centers.${action}`)}
            </Button>
          ))}
        </Space>
      ),
    },
  ];

  const today = dayjs().format(DATE);
  const asksDate = moving && moving.action !== 'close';

  return (
    <>
      {canEdit && (
        <div className="td-toolbar" style={{ justifyContent: 'flex-end' }}>
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('centers.add')}
          </Button>
        </div>
      )}
      <Table<Center>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={study.centers}
        pagination={false}
        scroll={{ x: 980 }}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                <>
                  <Typography.Text strong>{t('centers.emptyTitle')}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">{t('centers.emptyHint')}</Typography.Text>
                </>
              }
            >
              {canEdit && (
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                  {t('centers.add')}
                </Button>
              )}
            </Empty>
          ),
        }}
      />

      <CenterFormModal
        open={editing !== null}
        studyId={study.id}
        center={editing === 'new' || editing === null ? undefined : editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          onChanged();
        }}
      />
      <ReasonModal
        // a fresh form per center and move: the date starts from that center's, not from the last dialog
        key={moving ? `${moving.center.id}:${moving.action}` : 'none'}
        open={moving !== null}
        title={moving && t(`centers.${moving.action}Title`, { code: moving.center.code })}
        date={asksDate ? { label: t('fields.activationDate'), initial: moving.center.activationDate ?? today } : null}
        withReason={moving?.action !== 'activate' || moving.reasonAsked}
        reasonRequired={moving?.reasonAsked}
        // not a bare “关闭 / Close”, which the dialog's own close button is already called
        okText={moving ? t(`centers.${moving.action}Ok`) : undefined}
        onSubmit={({ reason, date }) => changeStatus(reason, date)}
        onCancel={() => setMoving(null)}
      />
    </>
  );
}
