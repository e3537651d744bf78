/**
 * All activities, built from their dependencies (database, external sources). Workflows import only the type.
 */
import { calendarActivities, type CalendarActivityDeps } from './calendar';
import { caseActivities, type CaseActivityDeps } from './cases';
import { sourceActivities, type SourceActivityDeps } from './sources';
import { taskActivities } from './tasks';

export type ActivityDeps = CaseActivityDeps & CalendarActivityDeps & SourceActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...caseActivities(deps),
    ...calendarActivities(deps),
    ...sourceActivities(deps),
    ...taskActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
