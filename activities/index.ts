/**
 * All activities, built from their dependencies (database, external sources). Workflows import only the type.
 */
import { calendarActivities, type CalendarActivityDeps } from './calendar';
import { caseActivities, type CaseActivityDeps } from './cases';

export type ActivityDeps = CaseActivityDeps & CalendarActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...caseActivities(deps),
    ...calendarActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
