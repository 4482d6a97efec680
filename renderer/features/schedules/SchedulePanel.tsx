/**
 * The study's visit schedule (访视计划): its versions (each protocol amendment is one; subjects follow the version they
 * were planned with until moved), and the editor of the one opened, with the preview of the calendar it gives.
 */
import { PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { Alert, Button, Skeleton, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScheduleVersionView, StudyDetail } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { formatDate, formatDateTime } from '../../i18n/format';
import { subjectError } from '../subjects/forms';
import { useSubjectRoles } from '../subjects/roles';
import { MoveSubjectsModal } from './MoveSubjectsModal';
import { ScheduleEditor } from './ScheduleEditor';

/** What the editor shows: a version (to read or edit), or a new version starting from one (null: from nothing). */
interface Opened {
  versionId: number | null;
  asNew: boolean;
  /** a new key remounts the editor with the version's saved lines */
  nonce: number;
}

export function SchedulePanel({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const { canEdit } = useSubjectRoles();
  const [refresh, setRefresh] = useState(0);
  const list = useApiQuery('schedules.list', { studyId: study.id }, refresh);
  const setup = useApiQuery('subjects.setup', { studyId: study.id });
  const [opened, setOpened] = useState<Opened | null>(null);
  // the version stays while the dialog closes; a new form each time it opens
  const [moving, setMoving] = useState<{ version: ScheduleVersionView | null; open: boolean; n: number }>({
    version: null,
    open: false,
    n: 0,
  });
  const closeMove = () => setMoving((m) => ({ ...m, open: false }));
  // what a save answered: the versions as they are now, until the list is loaded again
  const [saved, setSaved] = useState<ScheduleVersionView[] | null>(null);

  if (list.error && !list.data) return <Alert type="error" showIcon title={subjectError(list.error)} />;
  if (!list.data || !setup.data) return <Skeleton active paragraph={{ rows: 8 }} />;

  const versions = saved ?? list.data;
  const current = versions.find((v) => v.current) ?? versions[0] ?? null;
  // until something is opened: the current version, or a first schedule to write
  const shown: Opened = opened ?? { versionId: current?.id ?? null, asNew: false, nonce: 0 };
  const base = versions.find((v) => v.id === shown.versionId) ?? null;
  const open = (versionId: number | null, asNew: boolean) =>
    setOpened((prev) => ({ versionId, asNew, nonce: (prev?.nonce ?? 0) + 1 }));
  // a version can take subjects over when an older one still has some
  const canMoveTo = (index: number) => versions.slice(index + 1).some((v) => v.subjectCount > 0);

  const columns: TableProps<ScheduleVersionView>['columns'] = [
    {
      key: 'version',
      title: t('schedulesUi.fields.version'),
      dataIndex: 'version',
      width: 150,
      render: (v: string, r) => (
        <Space size={6}>
          <Typography.Link className="td-mono" onClick={() => open(r.id, false)}>
            {v}
          </Typography.Link>
          {r.current && (
            <Tag color="green" variant="filled">
              {t('schedulesUi.versions.current')}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      key: 'effectiveDate',
      title: t('schedulesUi.fields.effectiveDate'),
      dataIndex: 'effectiveDate',
      width: 120,
      render: (v: string) => formatDate(v),
    },
    {
      key: 'lines',
      title: t('schedulesUi.versions.lines'),
      width: 90,
      align: 'right',
      render: (_: unknown, r) => r.visits.length,
    },
    {
      key: 'subjects',
      title: t('schedulesUi.versions.subjects'),
      dataIndex: 'subjectCount',
      width: 150,
      align: 'right',
    },
    {
      key: 'notes',
      title: t('schedulesUi.fields.notes'),
      dataIndex: 'notes',
      ellipsis: true,
      render: (v: string | null) => v ?? '',
    },
    {
      key: 'createdAt',
      title: t('schedulesUi.versions.createdAt'),
      dataIndex: 'createdAt',
      width: 150,
      render: (v: string) => formatDateTime(v),
    },
    ...(canEdit
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 170,
            render: (_: unknown, r: ScheduleVersionView, index: number) =>
              canMoveTo(index) ? (
                <Button
                  size="small"
                  icon={<SwapOutlined />}
                  onClick={() => setMoving((m) => ({ version: r, open: true, n: m.n + 1 }))}
                >
                  {t('schedulesUi.versions.move')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  const heading = shown.asNew
    ? t('schedulesUi.editor.newTitle', { base: base?.version ?? '' })
    : base
      ? t('schedulesUi.editor.title', { version: base.version })
      : t('schedulesUi.editor.firstTitle');

  return (
    <div data-testid="schedule-panel">
      <div className="td-section-head" style={{ marginTop: 0 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('schedulesUi.versions.title')}
        </Typography.Title>
        {canEdit && current && (
          <Button icon={<PlusOutlined />} onClick={() => open(current.id, true)}>
            {t('schedulesUi.versions.amend')}
          </Button>
        )}
      </div>
      {versions.length === 0 ? (
        <Typography.Paragraph type="secondary">
          {canEdit ? t('schedulesUi.versions.noneYet') : t('schedulesUi.versions.noneYetReadOnly')}
        </Typography.Paragraph>
      ) : (
        <Table<ScheduleVersionView>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={versions}
          pagination={false}
          rowClassName={(r) => (r.id === shown.versionId ? 'td-row-selected' : '')}
          data-testid="schedule-versions"
        />
      )}

      {(versions.length > 0 || canEdit) && (
        <>
          <div className="td-section-head" style={{ marginTop: 20 }}>
            <Typography.Title level={5} style={{ margin: 0 }} data-testid="editor-title">
              {heading}
            </Typography.Title>
            {base && !shown.asNew && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('schedulesUi.editor.followedBy', { count: base.subjectCount })}
              </Typography.Text>
            )}
          </div>
          <ScheduleEditor
            key={`${shown.versionId ?? 'none'}-${shown.asNew}-${shown.nonce}`}
            study={study}
            arms={setup.data.arms}
            base={base}
            asNew={shown.asNew}
            canEdit={canEdit}
            onSaved={(after, label) => {
              setSaved(after);
              const version = after.find((v) => v.version === label) ?? after[0];
              open(version?.id ?? null, false);
            }}
            onCancelNew={() => open(shown.versionId, false)}
          />
        </>
      )}

      <MoveSubjectsModal
        studyId={study.id}
        key={moving.n}
        version={moving.version}
        open={moving.open}
        onClose={closeMove}
        onMoved={() => {
          closeMove();
          setSaved(null);
          setRefresh((r) => r + 1);
        }}
      />
    </div>
  );
}
