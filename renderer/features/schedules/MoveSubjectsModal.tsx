import { Alert, App, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ScheduleVersionView, SubjectListItem } from '../../../electron/api';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { DateField } from '../../components/DateField';
import { formatDate } from '../../i18n/format';
import { clearChangedErrors, today } from '../subjects/forms';
import { FormAlert, useModalSubmit } from '../subjects/useModalSubmit';

interface MoveValues {
  fromDate: string | null;
  subjectIds?: number[];
  reason?: string;
}

const ACTIVE = new Set<SubjectListItem['status']>(['screening', 'enrolled', 'on_treatment', 'follow_up']);

/** A subject as the pickers show it: "01-003 · WXM" (the screening number until there is a subject number). */
export const subjectOption = (s: SubjectListItem) => ({
  value: s.id,
  label: `${s.subjectNumber ?? s.screeningNumber} · ${s.initials}`,
});

/**
 * Subjects on an older version of the schedule follow this one from a date: only their visits on or after that date and
 * not yet recorded are planned again; recorded visits and earlier ones stay as they are.
 */
export function MoveSubjectsModal({
  studyId,
  version,
  open,
  onClose,
  onMoved,
}: {
  studyId: number;
  /** the version to move to */
  version: ScheduleVersionView | null;
  open: boolean;
  onClose: () => void;
  onMoved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MoveValues>();
  const subjects = useApiQuery('subjects.list', { studyId, limit: 500 });
  const active = (subjects.data?.rows ?? []).filter((s) => ACTIVE.has(s.status));

  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: MoveValues) =>
      call('schedules.moveSubjects', {
        versionId: version?.id ?? 0,
        fromDate: v.fromDate ?? '',
        subjectIds: v.subjectIds?.length ? v.subjectIds : undefined,
        reason: v.reason ?? '',
      }),
    onSaved: ({ moved }) => {
      void message.success(t('schedulesUi.move.done', { count: moved, version: version?.version ?? '' }));
      onMoved();
    },
    onClose,
  });

  return (
    <Modal
      open={open}
      width={580}
      title={t('schedulesUi.move.title', { version: version?.version ?? '' })}
      okText={t('schedulesUi.move.ok')}
      {...modalProps}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title={t('schedulesUi.move.explain')}
        description={t('schedulesUi.move.explainMore', {
          version: version?.version ?? '',
          date: formatDate(version?.effectiveDate),
        })}
      />
      <FormAlert text={alert} testId="move-alert" />
      <Form<MoveValues>
        form={form}
        name="move-subjects"
        layout="vertical"
        preserve={false}
        initialValues={{ fromDate: today() }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Form.Item
          name="fromDate"
          label={t('schedulesUi.move.fromDate')}
          extra={t('schedulesUi.move.fromDateHint')}
          required
        >
          <DateField />
        </Form.Item>
        <Form.Item name="subjectIds" label={t('schedulesUi.move.subjects')} extra={t('schedulesUi.move.subjectsHint')}>
          <Select
            mode="multiple"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('schedulesUi.move.allSubjects')}
            loading={subjects.loading}
            options={active.map(subjectOption)}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('reason.label')} required>
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('schedulesUi.move.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
