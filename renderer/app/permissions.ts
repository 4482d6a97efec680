import { useSession } from './session';

/**
 * Whether to show the buttons that change studies and centers. Cosmetic only: the server's handler table is what
 * refuses a monitor's write (electron/handlers.ts, electron/permissions.test.ts).
 */
export function useCanEditStudies(): boolean {
  const { user } = useSession();
  return user !== null && user.role !== 'monitor';
}
