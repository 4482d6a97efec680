import { useSession } from '../../app/session';

/**
 * What the subject screens offer this user. Cosmetic only: the server's handler table refuses a monitor's write and
 * leaves personal fields out of what a monitor receives.
 */
export function useSubjectRoles(): { siteRole: boolean; canEdit: boolean; investigator: boolean } {
  const { user } = useSession();
  // site roles work with the subjects (and see their personal fields); a monitor reads de-identified records
  const siteRole = user !== null && user.role !== 'monitor';
  return { siteRole, canEdit: siteRole, investigator: user?.role === 'investigator' };
}
