import { App } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubjectVisitsView, VisitView } from '../../../electron/api';
import { DeviationDecisionModal } from './DeviationDecisionModal';
import { visitsChanged } from './overdue';
import { RecordVisitModal, type RecordTarget } from './RecordVisitModal';

/**
 * The record and deviation-decision dialogs of a screen that lists visits (a subject's visits, the worklist). A visit
 * recorded out of window or missed goes straight on to the deviation the server proposes; cancelled there, it waits
 * (flagged) for a later decision.
 */
export function useVisitDialogs(onChanged: (view: SubjectVisitsView) => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [recording, setRecording] = useState<RecordTarget | null>(null);
  const [deciding, setDeciding] = useState<{ visit: VisitView; subjectLabel: string } | null>(null);

  const changed = (view: SubjectVisitsView) => {
    visitsChanged();
    onChanged(view);
  };

  const dialogs = (
    <>
      <RecordVisitModal
        target={recording}
        onClose={() => setRecording(null)}
        onSaved={(view, visitId) => {
          const subjectLabel = recording?.subjectLabel ?? '';
          setRecording(null);
          const visit = view.visits.find((v) => v.id === visitId);
          void message.success(t('visitsUi.subject.saved', { code: visit?.code ?? '' }));
          if (visit?.deviationDecision === 'proposed') setDeciding({ visit, subjectLabel });
          changed(view);
        }}
      />
      <DeviationDecisionModal
        visit={deciding?.visit ?? null}
        subjectLabel={deciding?.subjectLabel ?? ''}
        onClose={() => setDeciding(null)}
        onSaved={(view, visitId, decision) => {
          setDeciding(null);
          const visit = view.visits.find((v) => v.id === visitId);
          void message.success(
            decision === 'confirm'
              ? t('visitsUi.deviation.confirmed', { number: visit?.deviationNumber ?? '' })
              : t('visitsUi.deviation.explained'),
          );
          changed(view);
        }}
      />
    </>
  );

  return {
    record: (target: RecordTarget) => setRecording(target),
    decide: (visit: VisitView, subjectLabel: string) => setDeciding({ visit, subjectLabel }),
    dialogs,
  };
}
