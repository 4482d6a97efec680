import type { FormInstance } from 'antd';
import { useReasonedSave } from '../../components/useReasonedSave';
import { placeFieldErrors, subjectError } from './forms';

/** useReasonedSave with the subject screens' error wording, placing errors on nested fields too. */
export function useSubjectSave<V, R>(options: {
  form: FormInstance<V>;
  save: (values: V, reason: string | null) => Promise<R>;
  onSaved: (result: R) => void;
}) {
  return useReasonedSave({ ...options, describe: subjectError, place: placeFieldErrors });
}
