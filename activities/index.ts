/**
 * All activities, built from their dependencies (database, external sources). Workflows import only the type.
 */
import { caseActivities, type CaseActivityDeps } from './cases';

export type ActivityDeps = CaseActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...caseActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
