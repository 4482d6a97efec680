/**
 * The schedule of activities of a study as an editable table: one row per line (a single visit, treatment cycles, a
 * repeated visit, an on-demand visit), what it counts from, its window, its arms. A version no subject follows yet is
 * edited in place; any other change is saved as a new version (a protocol amendment). The preview below shows the
 * calendar these lines give, as the server computes it.
 */
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  PlusOutlined,
  QuestionCircleOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type FormInstance,
  type FormListFieldData,
  type TableProps,
} from 'antd';
import { useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, CodedItem, ScheduleVersionView, StudyDetail, VisitKind } from '../../../electron/api';
import { ApiCallError, call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { useReasonedSave } from '../../components/useReasonedSave';
import { clearChangedErrors, placeFieldErrors, subjectError, today } from '../subjects/forms';
import { FormAlert } from '../subjects/useModalSubmit';
import {
  codesSummary,
  editorErrorPaths,
  lineCodes,
  lineOf,
  newLine,
  nextVersion,
  toDefinition,
  type LineValues,
  type ScheduleValues,
} from './definitions';
import { DaysInput } from './DaysInput';
import { anchorOptions, armOptions, kindOptions } from './labels';
import { SchedulePreview } from './SchedulePreview';

const ADD_KINDS: VisitKind[] = ['once', 'cycles', 'every', 'on_demand'];

/** What the save answers itself before sending an edit or an amendment without a reason: ask for one. */
const REASON_FIRST: ApiError = {
  code: 'validation',
  messageKey: 'validation.reasonRequired',
  fields: [{ field: 'reason', messageKey: 'validation.reasonRequired' }],
};

function initialValues(study: StudyDetail, base: ScheduleVersionView | null, asNew: boolean): ScheduleValues {
  if (!base) {
    return {
      version: study.protocolVersion ?? '1.0',
      effectiveDate: study.protocolVersionDate ?? today(),
      notes: null,
      visits: [],
    };
  }
  return {
    version: asNew ? nextVersion(base.version) : base.version,
    effectiveDate: asNew ? today() : base.effectiveDate,
    notes: asNew ? null : base.notes,
    visits: base.visits.map(lineOf),
  };
}

export function ScheduleEditor({
  study,
  arms,
  base,
  asNew,
  canEdit,
  onSaved,
  onCancelNew,
}: {
  study: StudyDetail;
  arms: readonly CodedItem[];
  /** the version shown (and edited), or the one a new version starts from; null: the study's first schedule */
  base: ScheduleVersionView | null;
  /** start as a new version (amendment) of `base` */
  asNew: boolean;
  canEdit: boolean;
  /** the study's versions after the save, and the label of the version saved */
  onSaved: (versions: ScheduleVersionView[], version: string) => void;
  /** leave the new version without saving (back to the version it started from) */
  onCancelNew: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ScheduleValues>();
  const [creating, setCreating] = useState(asNew || base === null);
  const [inUse, setInUse] = useState(false);
  const tableRef = useRef<HTMLDivElement>(null);
  const [initial] = useState(() => initialValues(study, base, asNew));
  const lines = (Form.useWatch('visits', form) as (LineValues | undefined)[] | undefined) ?? initial.visits;
  const locked = !creating && (base?.subjectCount ?? 0) > 0;

  const { busy, alert, clearAlert, submit, reasonModal } = useReasonedSave<ScheduleValues, ScheduleVersionView[]>({
    form,
    save: (v, reason) => {
      // an edit of a saved version, or an amendment, says why (the audit trail keeps it): asked before sending
      if (reason === null && base) return Promise.reject(new ApiCallError(REASON_FIRST));
      return call('schedules.save', {
        studyId: study.id,
        versionId: creating ? undefined : base?.id,
        version: v.version ?? '',
        effectiveDate: v.effectiveDate ?? '',
        notes: v.notes ?? null,
        visits: (v.visits ?? []).map(toDefinition),
        reason,
      });
    },
    onSaved: (versions) => {
      const label = (form.getFieldValue('version') as string | undefined)?.trim() ?? '';
      void message.success(
        creating && base ? t('schedulesUi.editor.savedNew', { version: label }) : t('schedulesUi.editor.saved'),
      );
      onSaved(versions, label);
    },
    describe: (error) =>
      error === REASON_FIRST
        ? creating
          ? t('schedulesUi.editor.reasonNew', { base: base?.version ?? '' })
          : t('schedulesUi.editor.reasonEdit')
        : subjectError(error),
    place: (f, error: ApiError) => {
      const refused =
        error.messageKey === 'visits.versionInUse' ||
        error.fields?.some((fe) => fe.messageKey === 'visits.versionInUse');
      if (refused) {
        setInUse(true);
        return null;
      }
      return placeFieldErrors(f, editorErrorPaths(error));
    },
  });

  /** From editing a version to saving what is on screen as a new one: a new label and today as its effective date. */
  const startNewVersion = () => {
    setCreating(true);
    setInUse(false);
    clearAlert();
    form.setFieldsValue({ version: nextVersion(base?.version ?? ''), effectiveDate: today(), notes: null });
    form.setFields([{ name: 'version', errors: [] }]);
    setTimeout(() => form.focusField('version'), 0);
  };

  const focusLine = (index: number) =>
    setTimeout(() => tableRef.current?.querySelector<HTMLInputElement>(`[data-line="${index}"] input`)?.focus(), 0);

  return (
    <>
      <Form<ScheduleValues>
        form={form}
        name="schedule"
        layout="vertical"
        disabled={!canEdit}
        initialValues={initial}
        onValuesChange={(changed: Partial<ScheduleValues>) => {
          clearChangedErrors(form)(changed);
          if (inUse) setInUse(false);
          fillKindDefaults(form, changed);
        }}
        onFinish={(v) => void submit(v)}
      >
        {creating && base && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('schedulesUi.editor.newVersionIntro', { base: base.version })}
            data-testid="new-version-intro"
          />
        )}
        {locked && canEdit && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('schedulesUi.editor.lockedIntro', { count: base?.subjectCount ?? 0 })}
          />
        )}
        <Row gutter={16}>
          <Col flex="180px">
            <Form.Item name="version" label={t('schedulesUi.fields.version')} required>
              <Input className="td-mono" maxLength={30} />
            </Form.Item>
          </Col>
          <Col flex="200px">
            <Form.Item name="effectiveDate" label={t('schedulesUi.fields.effectiveDate')} required>
              <DateField />
            </Form.Item>
          </Col>
          <Col flex="auto">
            <Form.Item name="notes" label={t('schedulesUi.fields.notes')}>
              <Input maxLength={1000} placeholder={t('schedulesUi.fields.notesPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>

        <Form.List name="visits">
          {(fields, { add, remove, move }) => (
            <div ref={tableRef}>
              <LinesTable
                fields={fields}
                lines={lines}
                arms={arms}
                editable={canEdit}
                onMove={(from, to) => move(from, to)}
                onRemove={remove}
              />
              {canEdit && (
                <Space wrap style={{ marginTop: 8 }} data-testid="add-lines">
                  {ADD_KINDS.map((kind) => (
                    <Button
                      key={kind}
                      size="small"
                      type="dashed"
                      icon={<PlusOutlined />}
                      onClick={() => {
                        const previous = lines[fields.length - 1]?.code?.trim() || null;
                        add(newLine(kind, previous));
                        focusLine(fields.length);
                      }}
                    >
                      {t(`schedulesUi.editor.add.${kind}`)}
                    </Button>
                  ))}
                </Space>
              )}
            </div>
          )}
        </Form.List>

        <div style={{ marginTop: 16 }}>
          <FormAlert text={alert} testId="schedule-alert" />
          {inUse && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('schedulesUi.editor.inUse')}
              description={t('schedulesUi.editor.inUseHint')}
              action={
                <Button size="small" type="primary" onClick={startNewVersion}>
                  {t('schedulesUi.editor.saveAsNew')}
                </Button>
              }
              data-testid="version-in-use"
            />
          )}
          {canEdit && (
            <Space wrap>
              {creating ? (
                <>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {base ? t('schedulesUi.editor.saveNew') : t('schedulesUi.editor.saveFirst')}
                  </Button>
                  {base && (
                    <Button htmlType="button" onClick={onCancelNew}>
                      {t('schedulesUi.editor.cancelNew')}
                    </Button>
                  )}
                </>
              ) : locked ? (
                <Button type="primary" htmlType="button" onClick={startNewVersion}>
                  {t('schedulesUi.editor.saveAsNew')}
                </Button>
              ) : (
                <>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {t('schedulesUi.editor.saveEdit')}
                  </Button>
                  <Button htmlType="button" onClick={startNewVersion}>
                    {t('schedulesUi.editor.saveAsNew')}
                  </Button>
                </>
              )}
            </Space>
          )}
        </div>
      </Form>
      {reasonModal}

      <div className="td-section-head" style={{ marginTop: 24 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('schedulesUi.preview.title')}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('schedulesUi.preview.intro')}
        </Typography.Text>
      </div>
      <SchedulePreview studyId={study.id} lines={lines} arms={arms} />
    </>
  );
}

/**
 * A line whose kind has just changed gets the usual values of its new kind where it has none yet (21-day cycles ×6 on
 * day 1; every 84 days ×4), so that the preview shows something at once; what the user typed is kept.
 */
function fillKindDefaults(form: FormInstance<ScheduleValues>, changed: Partial<ScheduleValues>) {
  const changedLines = changed.visits as (Partial<LineValues> | undefined)[] | undefined;
  changedLines?.forEach((c, index) => {
    if (!c?.kind) return;
    const line = form.getFieldValue(['visits', index]) as LineValues | undefined;
    if (!line) return;
    const usual = newLine(c.kind, null);
    const empty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);
    const keys = ['cycleLength', 'cycleCount', 'cycleDays', 'interval', 'count', 'dayOffset'] as const;
    const fills = Object.fromEntries(keys.filter((k) => empty(line[k]) && !empty(usual[k])).map((k) => [k, usual[k]]));
    if (Object.keys(fills).length) form.setFieldValue(['visits', index], { ...line, ...fills });
  });
}

/** A column title with its explanation on hover. */
function Hint({ label, hint }: { label: string; hint: string }) {
  return (
    <Tooltip title={hint}>
      <span>
        {label} <QuestionCircleOutlined style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }} />
      </span>
    </Tooltip>
  );
}

/** A cell's form field: the error shows under it, in the cell. */
function Cell({ name, children }: { name: (string | number)[]; children: ReactNode }) {
  return (
    <Form.Item name={name} className="td-cell">
      {children}
    </Form.Item>
  );
}

function LinesTable({
  fields,
  lines,
  arms,
  editable,
  onMove,
  onRemove,
}: {
  fields: FormListFieldData[];
  lines: (LineValues | undefined)[];
  arms: readonly CodedItem[];
  editable: boolean;
  onMove: (from: number, to: number) => void;
  onRemove: (index: number) => void;
}) {
  const { t } = useTranslation();
  const line = (f: FormListFieldData) => lines[f.name];
  const dated = (f: FormListFieldData) => line(f)?.kind !== 'on_demand';
  const none = <Typography.Text type="secondary">—</Typography.Text>;
  const label = (key: string) => t(`schedulesUi.line.${key}`);

  const columns: TableProps<FormListFieldData>['columns'] = [
    {
      key: 'code',
      title: label('code'),
      width: 80,
      render: (_: unknown, f) => (
        <Cell name={[f.name, 'code']}>
          <Input className="td-mono" maxLength={20} aria-label={label('code')} />
        </Cell>
      ),
    },
    {
      key: 'name',
      title: label('name'),
      width: 128,
      render: (_: unknown, f) => (
        <Cell name={[f.name, 'name']}>
          <Input maxLength={100} aria-label={label('name')} />
        </Cell>
      ),
    },
    {
      key: 'kind',
      title: label('kind'),
      width: 100,
      render: (_: unknown, f) => (
        <Cell name={[f.name, 'kind']}>
          <Select options={kindOptions()} aria-label={label('kind')} popupMatchSelectWidth={false} />
        </Cell>
      ),
    },
    {
      key: 'anchor',
      title: <Hint label={label('anchor')} hint={t('schedulesUi.editor.anchorHint')} />,
      width: 200,
      render: (_: unknown, f) => {
        if (!dated(f)) return none;
        const own = line(f)?.code?.trim();
        const codes = [...new Set(lines.map((l) => l?.code?.trim()).filter((c): c is string => Boolean(c)))].filter(
          (c) => c !== own,
        );
        return (
          <div className="td-cell-row">
            <Cell name={[f.name, 'anchor']}>
              <Select
                style={{ width: 100 }}
                options={anchorOptions()}
                aria-label={label('anchor')}
                popupMatchSelectWidth={false}
              />
            </Cell>
            {line(f)?.anchor === 'visit' && (
              <Cell name={[f.name, 'anchorCode']}>
                <Select
                  style={{ width: 80 }}
                  className="td-mono"
                  placeholder={label('anchorCode')}
                  aria-label={label('anchorCode')}
                  options={codes.map((c) => ({ value: c, label: c }))}
                  popupMatchSelectWidth={false}
                />
              </Cell>
            )}
          </div>
        );
      },
    },
    {
      key: 'dayOffset',
      title: <Hint label={label('dayOffset')} hint={t('schedulesUi.editor.dayOffsetHint')} />,
      width: 72,
      render: (_: unknown, f) =>
        dated(f) ? (
          <Cell name={[f.name, 'dayOffset']}>
            <InputNumber precision={0} style={{ width: '100%' }} aria-label={label('dayOffset')} />
          </Cell>
        ) : (
          none
        ),
    },
    {
      key: 'window',
      title: <Hint label={label('window')} hint={t('schedulesUi.editor.windowHint')} />,
      width: 124,
      render: (_: unknown, f) => (
        <div className="td-cell-row">
          <Cell name={[f.name, 'windowBefore']}>
            <InputNumber
              min={0}
              max={365}
              precision={0}
              prefix="−"
              style={{ width: 52 }}
              aria-label={label('windowBefore')}
            />
          </Cell>
          <Cell name={[f.name, 'windowAfter']}>
            <InputNumber
              min={0}
              max={365}
              precision={0}
              prefix="+"
              style={{ width: 52 }}
              aria-label={label('windowAfter')}
            />
          </Cell>
        </div>
      ),
    },
    {
      key: 'repeat',
      title: label('repeat'),
      width: 220,
      render: (_: unknown, f) => <RepeatCell index={f.name} line={line(f)} />,
    },
    ...(arms.length > 0
      ? [
          {
            key: 'arms',
            title: <Hint label={label('arms')} hint={t('schedulesUi.editor.armsHint')} />,
            width: 96,
            render: (_: unknown, f: FormListFieldData) => (
              <Cell name={[f.name, 'arms']}>
                <Select
                  mode="multiple"
                  placeholder={t('schedulesUi.editor.allArms')}
                  options={armOptions(arms)}
                  aria-label={label('arms')}
                  maxTagCount="responsive"
                  popupMatchSelectWidth={false}
                />
              </Cell>
            ),
          },
        ]
      : []),
    ...(editable
      ? [
          {
            key: 'actions',
            title: '',
            width: 88,
            render: (_: unknown, f: FormListFieldData, index: number) => (
              <div className="td-cell-row" style={{ gap: 0 }}>
                <Button
                  type="text"
                  size="small"
                  icon={<ArrowUpOutlined />}
                  disabled={index === 0}
                  aria-label={t('schedulesUi.editor.moveUp')}
                  onClick={() => onMove(index, index - 1)}
                />
                <Button
                  type="text"
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={index === fields.length - 1}
                  aria-label={t('schedulesUi.editor.moveDown')}
                  onClick={() => onMove(index, index + 1)}
                />
                <Button
                  type="text"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('schedulesUi.editor.remove')}
                  onClick={() => onRemove(f.name)}
                />
              </div>
            ),
          },
        ]
      : []),
  ];

  return (
    <Table<FormListFieldData>
      size="small"
      bordered
      className="td-lines"
      rowKey="key"
      columns={columns}
      dataSource={fields}
      pagination={false}
      tableLayout="fixed"
      // the columns keep their widths (a long label is cut short, not the table made wider); narrow windows scroll
      scroll={{ x: 1108 }}
      onRow={(f) => ({ 'data-line': f.name, 'data-testid': `line-${f.name}` }) as HTMLAttributes<HTMLElement>}
      locale={{ emptyText: t('schedulesUi.editor.empty') }}
      data-testid="schedule-lines"
    />
  );
}

/** The repetition of a line: cycles (length × count, the visit days) or every n days × count; nothing otherwise. */
function RepeatCell({ index, line }: { index: number; line: LineValues | undefined }) {
  const { t } = useTranslation();
  const label = (key: string) => t(`schedulesUi.line.${key}`);
  const codes = codesSummary(lineCodes(line));
  const hint = codes && (
    <Typography.Text type="secondary" className="td-mono td-codes-hint" title={lineCodes(line).join(', ')}>
      {codes}
    </Typography.Text>
  );
  if (line?.kind === 'cycles') {
    return (
      <div>
        <div className="td-cell-row">
          <Cell name={[index, 'cycleLength']}>
            <InputNumber
              min={1}
              max={365}
              precision={0}
              suffix={t('schedulesUi.editor.daysUnit')}
              style={{ width: 84 }}
              aria-label={label('cycleLength')}
            />
          </Cell>
          <span>×</span>
          <Cell name={[index, 'cycleCount']}>
            <InputNumber
              min={1}
              max={100}
              precision={0}
              suffix={t('schedulesUi.editor.cyclesUnit')}
              style={{ width: 92 }}
              aria-label={label('cycleCount')}
            />
          </Cell>
        </div>
        <Cell name={[index, 'cycleDays']}>
          <DaysInput placeholder="1, 8, 15" aria-label={label('cycleDays')} />
        </Cell>
        {hint}
      </div>
    );
  }
  if (line?.kind === 'every') {
    return (
      <div>
        <div className="td-cell-row">
          <span>{t('schedulesUi.editor.every')}</span>
          <Cell name={[index, 'interval']}>
            <InputNumber
              min={1}
              max={3650}
              precision={0}
              suffix={t('schedulesUi.editor.daysUnit')}
              style={{ width: 84 }}
              aria-label={label('interval')}
            />
          </Cell>
          <span>×</span>
          <Cell name={[index, 'count']}>
            <InputNumber
              min={1}
              max={200}
              precision={0}
              suffix={t('schedulesUi.editor.timesUnit') || undefined}
              style={{ width: t('schedulesUi.editor.timesUnit') ? 76 : 60 }}
              aria-label={label('count')}
            />
          </Cell>
        </div>
        {hint}
      </div>
    );
  }
  return line?.kind === 'on_demand' ? (
    <Tag variant="filled">{t('schedulesUi.editor.onDemandHint')}</Tag>
  ) : (
    <Typography.Text type="secondary">—</Typography.Text>
  );
}
