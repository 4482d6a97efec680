/**
 * The import tab of the Excel area (issue 7): a workbook from a sponsor or another center is validated first — a report
 * of what it would create, update or leave unchanged, and every rejected cell — and committed only when nothing is
 * rejected, all or nothing. Unknown headers are mapped here (saved per source when the import is committed). The file is
 * read in the renderer and sent as bytes, so browser mode (upload) and the desktop app (its native open dialog behind
 * the file input) work alike. Monitors do not import: the page shows this tab to site roles only.
 */
import { InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Progress, Radio, Result, Select, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../electron/api';
import {
  importKinds,
  type DayMonthOrder,
  type ImportCommitResult,
  type ImportKind,
  type ImportProgress,
  type ImportReport,
} from '../../../electron/api/imports';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { translateError } from '../../components/formErrors';
import { downloadBase64 } from '../audit/AuditTrailPage';
import { useDebounced } from '../subjects/useUrlState';
import { ImportMappingForm, type HeaderAnswers } from './ImportMappingForm';
import { ImportReportView } from './ImportReportView';
import { XLSX_MIME, utcOffsetMinutes } from './labels';
import { readBase64 } from '../../api/files';

const POLL_MS = 300;
/** refusals of a commit that a fresh validation of the same file resolves */
const REVALIDATE_KEYS = ['exchange.importStale', 'exchange.importExpired'];

interface ChosenFile {
  name: string;
  size: number;
  base64: string;
}

type Step =
  | { step: 'idle' }
  | { step: 'validating'; jobId: string; progress: ImportProgress | null }
  | { step: 'cancelled' }
  | { step: 'report'; report: ImportReport }
  | { step: 'committed'; result: ImportCommitResult; fileName: string };

type SavedMapping = { headers: Record<string, string | null>; dayMonthOrder: DayMonthOrder | null } | null;

/** The id progress and cancel name the run by (the server allows letters, digits and dashes). */
function newJobId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const fileSize = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** the kinds that name their own study: the only ones offered before any study exists */
const OWN_STUDY_KINDS: readonly ImportKind[] = ['study', 'sdtm'];

/**
 * `studyId` null: no study yet (a fresh installation) — a study set-up or an SDTM workbook creates one.
 * `onImported` hears of each commit (the page shows the study the import went to).
 */
export function ImportTab({
  studyId,
  onImported,
}: {
  studyId: number | null;
  onImported?: (result: ImportCommitResult, kind: ImportKind) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { locale } = useSession();
  const [kind, setKind] = useState<ImportKind>(studyId === null ? 'study' : 'aes');
  const kinds = studyId === null ? OWN_STUDY_KINDS : importKinds;
  const [sponsor, setSponsor] = useState('');
  // the screen's language until the user picks one
  const [chosenTemplateLang, setTemplateLang] = useState<Locale | null>(null);
  const templateLang = chosenTemplateLang ?? locale;
  const [templateBusy, setTemplateBusy] = useState(false);
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [reading, setReading] = useState(false);
  const [state, setState] = useState<Step>({ step: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [answers, setAnswers] = useState<HeaderAnswers>({});
  const [dayMonthOrder, setDayMonthOrder] = useState<DayMonthOrder | null>(null);
  const [committing, setCommitting] = useState(false);
  const [commitError, setCommitError] = useState<{ text: string; revalidate: boolean } | null>(null);
  // the run the user cancelled: whatever it still answers is dropped
  const cancelledJob = useRef<string | null>(null);

  // the source's saved mapping, looked up once typing pauses
  const source = useDebounced(sponsor.trim(), 400);
  const [saved, setSaved] = useState<{ source: string; mapping: SavedMapping } | null>(null);
  const [savedVersion, setSavedVersion] = useState(0);
  useEffect(() => {
    if (!source) return;
    let current = true;
    call('imports.mapping', { sponsor: source, kind }).then(
      (mapping) => current && setSaved({ source: `${kind}:${source}`, mapping }),
      () => current && setSaved(null),
    );
    return () => {
      current = false;
    };
  }, [source, kind, savedVersion]);
  const savedMapping = source && saved?.source === `${kind}:${source}` ? saved.mapping : undefined;

  const downloadTemplate = async () => {
    setTemplateBusy(true);
    try {
      const out = await call('imports.template', { kind, lang: templateLang });
      downloadBase64(out.fileName, out.base64, XLSX_MIME);
      void message.success(t('exchangeUi.import.templateDone', { file: out.fileName }));
    } catch (err) {
      void message.error(translateError(asApiError(err)));
    } finally {
      setTemplateBusy(false);
    }
  };

  const choose = async (chosen: File) => {
    setReading(true);
    setError(null);
    setCommitError(null);
    setState({ step: 'idle' });
    try {
      setFile({ name: chosen.name, size: chosen.size, base64: await readBase64(chosen) });
    } catch {
      setFile(null);
      setError(translateError({ code: 'validation', messageKey: 'excel.damaged' }));
    } finally {
      setReading(false);
    }
  };

  const validate = async (headers: HeaderAnswers = answers, order: DayMonthOrder | null = dayMonthOrder) => {
    if (!file) return;
    const jobId = newJobId();
    cancelledJob.current = null;
    setError(null);
    setCommitError(null);
    setState({ step: 'validating', jobId, progress: null });
    const poll = window.setInterval(() => {
      call('imports.progress', { jobId }).then(
        (progress) =>
          setState((s) => (s.step === 'validating' && s.jobId === jobId && progress ? { ...s, progress } : s)),
        () => undefined,
      );
    }, POLL_MS);
    try {
      const report = await call('imports.validate', {
        kind,
        // a study set-up or an SDTM workbook names its own study (protocol number, STUDYID)
        studyId: OWN_STUDY_KINDS.includes(kind) ? null : studyId,
        fileName: file.name,
        base64: file.base64,
        sponsor: sponsor.trim() || null,
        headers: Object.fromEntries(Object.entries(headers).map(([key, a]) => [key, a.field])),
        dayMonthOrder: order,
        jobId,
        lang: locale,
        utcOffsetMinutes: utcOffsetMinutes(),
      });
      if (cancelledJob.current !== jobId) setState({ step: 'report', report });
    } catch (err) {
      if (cancelledJob.current !== jobId) {
        setError(translateError(asApiError(err)));
        setState({ step: 'idle' });
      }
    } finally {
      window.clearInterval(poll);
    }
  };

  const cancel = (jobId: string) => {
    // validating writes nothing: the run is over for the user at once, the server stops reading when it hears
    cancelledJob.current = jobId;
    setState({ step: 'cancelled' });
    call('imports.cancel', { jobId }).catch(() => undefined);
  };

  const remap = (headers: HeaderAnswers, order: DayMonthOrder | null) => {
    setAnswers(headers);
    setDayMonthOrder(order);
    void validate(headers, order);
  };

  const commit = async (report: ImportReport) => {
    if (!report.token) return;
    setCommitting(true);
    setCommitError(null);
    try {
      const result = await call('imports.commit', { token: report.token });
      setState({ step: 'committed', result, fileName: report.fileName });
      onImported?.(result, report.kind);
      // ready for the next file; a mapping given with a source is now saved on the server
      setFile(null);
      setAnswers({});
      setDayMonthOrder(null);
      setSavedVersion((n) => n + 1);
    } catch (err) {
      const e = asApiError(err);
      setCommitError({ text: translateError(e), revalidate: REVALIDATE_KEYS.includes(e.messageKey) });
    } finally {
      setCommitting(false);
    }
  };

  const running = state.step === 'validating';
  const report = state.step === 'report' ? state.report : null;
  // the outcome (report, result) appears below the form, often below the fold: bring it into view
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.step === 'report' || state.step === 'committed')
      outcome.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [state]);

  return (
    <div data-testid="import-tab">
      <Typography.Paragraph type="secondary" style={{ maxWidth: 860 }}>
        {t('exchangeUi.import.intro')}
      </Typography.Paragraph>
      <Form layout="vertical" style={{ maxWidth: 760 }} data-testid="import-form" disabled={running}>
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item label={t('exchangeUi.import.kind')} htmlFor="import-kind" style={{ flex: '0 0 260px' }}>
            <Select
              id="import-kind"
              value={kind}
              onChange={(k: ImportKind) => {
                setKind(k);
                setState({ step: 'idle' });
              }}
              options={kinds.map((k) => ({ value: k, label: t(`exchangeUi.import.kinds.${k}`) }))}
              data-testid="import-kind"
            />
          </Form.Item>
          <Form.Item
            label={t('exchangeUi.import.sponsor')}
            htmlFor="import-sponsor"
            style={{ flex: '1 1 320px' }}
            extra={
              savedMapping ? (
                <Typography.Text type="success" data-testid="import-saved-mapping">
                  {t('exchangeUi.import.mappingSaved')}
                  {t('exchangeUi.import.mappingSavedDetail', {
                    count: Object.keys(savedMapping.headers).length,
                    order: savedMapping.dayMonthOrder
                      ? t('exchangeUi.import.mappingOrder', {
                          order: t(`exchangeUi.import.mapping.${savedMapping.dayMonthOrder}`),
                        })
                      : '',
                  })}
                </Typography.Text>
              ) : savedMapping === null ? (
                t('exchangeUi.import.noMapping')
              ) : (
                t('exchangeUi.import.sponsorHint')
              )
            }
          >
            <Input
              id="import-sponsor"
              value={sponsor}
              maxLength={100}
              allowClear
              placeholder={t('exchangeUi.import.sponsorPlaceholder')}
              onChange={(e) => {
                setSponsor(e.target.value);
                // another source may bring its saved mapping: the report shown no longer applies
                if (state.step === 'report') setState({ step: 'idle' });
              }}
            />
          </Form.Item>
        </div>
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t(`exchangeUi.import.kindHints.${kind}`)}
          data-testid="import-kind-hint"
        />
        <Form.Item label={t('exchangeUi.import.templateLang')} extra={t('exchangeUi.import.templateHint')}>
          <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
            <Radio.Group
              size="small"
              optionType="button"
              buttonStyle="solid"
              value={templateLang}
              onChange={(e) => setTemplateLang(e.target.value as Locale)}
              options={(['zh-CN', 'en'] as const).map((l) => ({ value: l, label: t(`exchangeUi.langs.${l}`) }))}
              data-testid="import-template-lang"
            />
            <Button onClick={() => void downloadTemplate()} loading={templateBusy} data-testid="import-template">
              {t('exchangeUi.import.template')}
            </Button>
          </div>
        </Form.Item>
        <Form.Item label={t('exchangeUi.import.file')}>
          <Upload.Dragger
            accept={`.xlsx,${XLSX_MIME}`}
            multiple={false}
            fileList={[]}
            showUploadList={false}
            disabled={running || reading || committing}
            // nothing is uploaded by antd: the bytes go to the server through the api client
            beforeUpload={(f) => {
              void choose(f);
              return false;
            }}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            {file ? (
              <p className="ant-upload-text" data-testid="import-file-name">
                {t('exchangeUi.import.chosen', { file: file.name, size: fileSize(file.size) })}
              </p>
            ) : (
              <p className="ant-upload-text">
                {reading ? t('exchangeUi.import.reading') : t('exchangeUi.import.drop')}
              </p>
            )}
            <p className="ant-upload-hint">{t('exchangeUi.import.dropHint')}</p>
          </Upload.Dragger>
        </Form.Item>
        <Button
          type="primary"
          onClick={() => void validate()}
          disabled={!file || reading || committing}
          loading={running}
          data-testid="import-validate"
        >
          {running ? t('exchangeUi.import.validating') : t('exchangeUi.import.validate')}
        </Button>
      </Form>

      <div style={{ marginTop: 20, scrollMarginTop: 16 }} ref={outcome}>
        {error && <Alert type="error" showIcon title={error} data-testid="import-error" />}
        {state.step === 'validating' && (
          <ValidationProgress progress={state.progress} onCancel={() => cancel(state.jobId)} />
        )}
        {state.step === 'cancelled' && (
          <Alert type="info" showIcon title={t('exchangeUi.import.cancelled')} data-testid="import-cancelled" />
        )}
        {report && (
          <>
            <ImportReportView
              report={report}
              mapping={
                (report.unknownHeaders.length > 0 ||
                  needsDayMonthOrder(report) ||
                  dayMonthOrder !== null ||
                  Object.keys(answers).length > 0) && (
                  <ImportMappingForm
                    // a new report: the choices start from the answers given so far
                    key={report.sha256 + JSON.stringify(answers) + String(dayMonthOrder)}
                    report={report}
                    answers={answers}
                    dayMonthOrder={dayMonthOrder}
                    askDayMonthOrder={needsDayMonthOrder(report) || dayMonthOrder !== null}
                    sponsor={sponsor.trim()}
                    onApply={remap}
                  />
                )
              }
            />
            <CommitBar
              report={report}
              busy={committing}
              error={commitError}
              onCommit={() => void commit(report)}
              onRevalidate={() => void validate()}
            />
          </>
        )}
        {state.step === 'committed' && (
          <Result
            status="success"
            style={{ padding: '24px 0', maxWidth: 760 }}
            title={t('exchangeUi.import.committed', { created: state.result.created, updated: state.result.updated })}
            subTitle={
              <>
                {t('exchangeUi.import.committedDetail', {
                  file: state.fileName,
                  batch: state.result.batchId,
                  unchanged: state.result.unchanged,
                })}
                <br />
                {t('exchangeUi.import.next')}
              </>
            }
            data-testid="import-done"
          />
        )}
      </div>
    </div>
  );
}

/** A day/month order is asked for when dates like 05/03/2024 were refused for want of one. */
const needsDayMonthOrder = (report: ImportReport): boolean =>
  report.rejected.some((r) =>
    ['excel.ambiguousDate', 'excel.dayMonthOrderRequired', 'excel.invalidDateForOrder'].includes(r.messageKey),
  );

function ValidationProgress({ progress, onCancel }: { progress: ImportProgress | null; onCancel: () => void }) {
  const { t } = useTranslation();
  const total = progress?.total ?? 0;
  const done = Math.min(progress?.done ?? 0, total);
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  return (
    <div
      style={{ display: 'flex', gap: 16, alignItems: 'center', maxWidth: 760, flexWrap: 'wrap' }}
      data-testid="import-progress"
    >
      <div style={{ flex: '1 1 360px' }}>
        <Typography.Text>
          {t(`exchangeUi.import.phases.${progress?.phase ?? 'reading'}`)}
          {total > 0 && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
              {t('exchangeUi.import.progressRows', { done: done.toLocaleString(), total: total.toLocaleString() })}
            </Typography.Text>
          )}
        </Typography.Text>
        <Progress percent={percent} status="active" />
      </div>
      <Button onClick={onCancel} data-testid="import-cancel">
        {t('exchangeUi.import.cancel')}
      </Button>
    </div>
  );
}

function CommitBar({
  report,
  busy,
  error,
  onCommit,
  onRevalidate,
}: {
  report: ImportReport;
  busy: boolean;
  error: { text: string; revalidate: boolean } | null;
  onCommit: () => void;
  onRevalidate: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div style={{ marginTop: 20 }}>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error.text}
          style={{ marginBottom: 12, maxWidth: 860 }}
          data-testid="import-commit-error"
          action={
            error.revalidate ? (
              <Button size="small" onClick={onRevalidate} data-testid="import-revalidate-stale">
                {t('exchangeUi.import.revalidate')}
              </Button>
            ) : undefined
          }
        />
      )}
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
        <Button type="primary" disabled={!report.token} loading={busy} onClick={onCommit} data-testid="import-commit">
          {t('exchangeUi.import.commit')}
        </Button>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {report.token
            ? t('exchangeUi.import.commitHint')
            : report.rejected.length > 0
              ? t('exchangeUi.import.commitBlocked')
              : t('exchangeUi.import.nothingToCommit')}
        </Typography.Text>
      </div>
    </div>
  );
}
