import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Form, Input, Row, Select, Skeleton, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  criterionKinds,
  type CodedItem,
  type Criterion,
  type StudyDetail,
  type SubjectSetupView,
} from '../../../electron/api';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { clearChangedErrors, subjectError } from './forms';
import { useSubjectSave } from './useSubjectSave';

interface SetupValues {
  screeningPattern: string;
  subjectPattern: string;
  arms: CodedItem[];
  criteria: Criterion[];
  screenFailureReasons: CodedItem[];
}

const valuesOf = (s: SubjectSetupView): SetupValues => ({
  screeningPattern: s.screeningPattern,
  subjectPattern: s.subjectPattern,
  arms: s.arms,
  criteria: s.criteria,
  screenFailureReasons: s.screenFailureReasons,
});

/** The study's subject set-up: numbering patterns, arms, eligibility criteria, screen-failure reasons. */
export function SubjectSetupPanel({ study }: { study: StudyDetail }) {
  const setup = useApiQuery('subjects.setup', { studyId: study.id });
  if (setup.error && !setup.data) return <Alert type="error" showIcon title={subjectError(setup.error)} />;
  if (!setup.data) return <Skeleton active paragraph={{ rows: 8 }} />;
  // keyed by the saved set-up: a save shows what the server kept
  return <SetupForm key={JSON.stringify(setup.data)} studyId={study.id} setup={setup.data} onSaved={setup.reload} />;
}

function SetupForm({ studyId, setup, onSaved }: { studyId: number; setup: SubjectSetupView; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SetupValues>();
  const { busy, alert, submit, reasonModal } = useSubjectSave({
    form,
    save: (v: SetupValues, reason) =>
      call('subjects.updateSetup', {
        studyId,
        fields: {
          screeningPattern: v.screeningPattern ?? '',
          subjectPattern: v.subjectPattern ?? '',
          arms: v.arms ?? [],
          criteria: v.criteria ?? [],
          screenFailureReasons: v.screenFailureReasons ?? [],
        },
        reason,
      }),
    onSaved: () => {
      void message.success(t('subjectsUi.setup.saved'));
      onSaved();
    },
  });

  return (
    <>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('subjectsUi.setup.intro')}
      </Typography.Paragraph>
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 12 }} />}
      <Form<SetupValues>
        form={form}
        name="subject-setup"
        layout="vertical"
        initialValues={valuesOf(setup)}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void submit(v)}
      >
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              name="screeningPattern"
              label={t('subjectsUi.setup.screeningPattern')}
              required
              extra={t('subjectsUi.setup.patternHint')}
            >
              <Input className="td-mono" maxLength={40} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="subjectPattern"
              label={t('subjectsUi.setup.subjectPattern')}
              required
              extra={t('subjectsUi.setup.subjectPatternHint')}
            >
              <Input className="td-mono" maxLength={40} />
            </Form.Item>
          </Col>
        </Row>

        <Row gutter={24}>
          <Col xs={24} lg={12}>
            <CodedList name="arms" title={t('subjectsUi.setup.arms')} addText={t('subjectsUi.setup.addArm')} />
          </Col>
          <Col xs={24} lg={12}>
            <CodedList
              name="screenFailureReasons"
              title={t('subjectsUi.setup.reasons')}
              addText={t('subjectsUi.setup.addReason')}
            />
          </Col>
        </Row>

        <EditableList
          name="criteria"
          title={t('subjectsUi.setup.criteria')}
          addText={t('subjectsUi.setup.addCriterion')}
          newItem={{ code: '', kind: 'inclusion', text: '' }}
          row={(i) => (
            <>
              <Form.Item name={[i, 'kind']} noStyle>
                <Select
                  aria-label={t('subjectsUi.screen.kind')}
                  style={{ width: 110 }}
                  options={criterionKinds.map((k) => ({ value: k, label: t(`subjectsUi.criterionKind.${k}`) }))}
                />
              </Form.Item>
              <Form.Item name={[i, 'code']} noStyle>
                <Input
                  className="td-mono"
                  aria-label={t('subjectsUi.setup.code')}
                  placeholder={t('subjectsUi.setup.code')}
                  style={{ width: 90 }}
                  maxLength={20}
                />
              </Form.Item>
              <Form.Item name={[i, 'text']} noStyle>
                <Input
                  aria-label={t('subjectsUi.screen.criterion')}
                  placeholder={t('subjectsUi.screen.criterion')}
                  style={{ flex: 1 }}
                  maxLength={500}
                />
              </Form.Item>
            </>
          )}
        />

        <Button type="primary" htmlType="submit" loading={busy}>
          {t('subjectsUi.setup.save')}
        </Button>
      </Form>
      {reasonModal}
    </>
  );
}

/** A list of code + label rows (arms, screen-failure reasons). */
function CodedList({ name, title, addText }: { name: keyof SetupValues; title: string; addText: string }) {
  const { t } = useTranslation();
  return (
    <EditableList
      name={name}
      title={title}
      addText={addText}
      newItem={{ code: '', label: '' }}
      row={(i) => (
        <>
          <Form.Item name={[i, 'code']} noStyle>
            <Input
              className="td-mono"
              aria-label={t('subjectsUi.setup.code')}
              placeholder={t('subjectsUi.setup.code')}
              style={{ width: 110 }}
              maxLength={20}
            />
          </Form.Item>
          <Form.Item name={[i, 'label']} noStyle>
            <Input
              aria-label={t('subjectsUi.setup.label')}
              placeholder={t('subjectsUi.setup.label')}
              style={{ flex: 1 }}
              maxLength={100}
            />
          </Form.Item>
        </>
      )}
    />
  );
}

/**
 * One editable list of the set-up. A row's server errors show under it: the row is a Form.Item of its own, and the
 * inputs in it (noStyle) hand their errors up to it.
 */
function EditableList({
  name,
  title,
  addText,
  newItem,
  row,
}: {
  name: keyof SetupValues;
  title: string;
  addText: string;
  newItem: object;
  row: (index: number) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Form.Item label={title} data-testid={`setup-${name}`}>
      <Form.List name={name}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Form.Item key={f.key} style={{ marginBottom: 6 }}>
                <div className="td-list-row">
                  {row(f.name)}
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={t('subjectsUi.common.remove')}
                    onClick={() => remove(f.name)}
                  />
                </div>
              </Form.Item>
            ))}
            <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add(newItem)}>
              {addText}
            </Button>
          </>
        )}
      </Form.List>
    </Form.Item>
  );
}
