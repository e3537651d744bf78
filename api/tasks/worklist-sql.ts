/**
 * `GET /tasks` as one SQL statement over the shared `pg` pool (issue 11, measure 3). Through Prisma the list cost
 * three queries (the page, the user's own count, the tally) plus their mapping of 51 rows into objects with Dates,
 * which were then turned back into strings: 8-10 ms of CPU per request against 2-3 ms for the SQL. Here PostgreSQL
 * answers the page and the three counts in one round trip, with the dates already in the strings the API returns
 * (`to_char`, in UTC, as `Date#toISOString` writes them), so a row becomes a summary by copying fields.
 *
 * What a user may see (the rule `canSee` in router.ts applies to one task; Art. 5, 77) is two disjoint parts: tasks of
 * the agencies their agency covers, and tasks of other agencies escalated to one it covers (Art. 78), for their roles
 * unless supervisor or auditor. A count on demand is the sum of the two parts, each answered from a partial index on
 * open tasks, where their OR would read every matching row. Every value goes as a parameter of the unnamed statement,
 * so PostgreSQL plans each request with its values (the partial indexes on open tasks and the agency prefixes stay
 * usable).
 *
 * 可领取 (`available`) holds only tasks the user may do: not those whose case they already did an incompatible step of
 * (岗位不相容, INCOMPATIBLE_STEPS, Art. 5, 77; the workflow's validator refuses them). Its count is the tally less those
 * tasks, found from the person: the steps they did (task_completed_by_partial) joined to the open tasks of the same
 * cases, a handful of rows, where a test per open task would read the agency's thousands. Every row of the page says
 * which earlier step of its case the user did (`blocked_step`), so the list can say why they may not act on it.
 */
import { agencyScopePrefix } from '../../domain/access';
import { INCOMPATIBLE_PAIRS, REVOCATION_PROPOSAL_STEP } from '../../domain/tasks';
import type { AuthUser } from '../auth/service';
import { ApiError } from '../errors';

export interface WorklistQuery {
  view: 'all' | 'mine' | 'available' | 'overdue';
  status: 'open' | 'completed' | 'cancelled';
  type?: string | undefined;
  agencyCode?: string | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One row of the answer: the three counts on every row, and a task (all null when the page is empty). */
export interface WorklistRow {
  mine: number;
  available: number;
  overdue: number;
  id: string | null;
  case_number: string;
  case_type: string;
  type: string;
  step: string;
  role: string;
  agency_code: string;
  escalated_to: string | null;
  status: string;
  assignee_name: string | null;
  due_date: string;
  due_at: string;
  due_provisional: boolean;
  overdue_since: string | null;
  reminders: number;
  extensions: number;
  created_at: string;
  /** An earlier step of the task's case this user did that may not be combined with the task's (岗位不相容). */
  blocked_step: string | null;
}

/** INCOMPATIBLE_STEPS as a SQL relation (step, earlier): constants of the code, never input. */
const PAIRS = `(VALUES ${INCOMPATIBLE_PAIRS.map(([step, earlier]) => `('${step}', '${earlier}')`).join(', ')})`;

/** A timestamptz as `Date#toISOString` writes it (timestamptz(3): milliseconds are exact). */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function cursorOf(dueAt: string, id: string): string {
  return Buffer.from(`${dueAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { dueAt: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const dueAt = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(dueAt.getTime())) {
    // 422: a well-formed request whose cursor this list never issued (an opaque value; the schema cannot tell).
    throw new ApiError(422, 'invalid_cursor', '翻页游标无效', [
      { path: 'query.cursor', message: '不是本列表的翻页游标' },
    ]);
  }
  return { dueAt: dueAt.toISOString(), id };
}

/** The statement and its values for one request of `GET /tasks`. */
export function worklistQuery(user: AuthUser, q: WorklistQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const $ = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const prefix = $(`${agencyScopePrefix(user.agencyCode)}%`);
  const roles = $(user.roles);
  const everyRole = user.roles.includes('supervisor') || user.roles.includes('auditor');
  const forRoles = everyRole ? '' : ` AND role = ANY(${roles}::text[])`;
  const own = `agency_code LIKE ${prefix}${forRoles}`;
  const escalated = `escalated_to LIKE ${prefix} AND NOT agency_code LIKE ${prefix}${forRoles}`;
  const visible = `((${own}) OR (${escalated}))`;
  const userId = $(user.id);
  const username = $(user.username);
  // The open tasks the user may not do for 岗位不相容, with the earlier step of their case the user did: found once per
  // request from the person (the tasks they completed, the revocations they proposed: a handful of rows, by index),
  // then used by the 可领取 view, its count and the page's `blocked_step` (a test per listed task cost 5x the page).
  const blockedTasks = `
    SELECT DISTINCT ON (o.id) o.id, p.earlier AS step, o.assignee_id, o.role, o.type, o.agency_code, o.escalated_to
      FROM (SELECT d.case_number, d.step FROM task d WHERE d.completed_by_id = ${userId}::uuid AND d.status = 'completed'
            UNION ALL
            SELECT r.case_number, '${REVOCATION_PROPOSAL_STEP}' FROM determination_revocation r WHERE r.proposed_by = ${username}
           ) s(case_number, step)
      JOIN ${PAIRS} p(step, earlier) ON p.earlier = s.step
      JOIN task o ON o.case_number = s.case_number AND o.step = p.step
     WHERE o.status = 'open'
     ORDER BY o.id, p.earlier`;

  const filters = [`status = ${$(q.status)}`];
  if (q.type) filters.push(`type = ${$(q.type)}`);
  if (q.agencyCode) filters.push(`agency_code = ${$(q.agencyCode)}`);
  if (q.dueFrom) filters.push(`due_date >= ${$(q.dueFrom)}::date`);
  if (q.dueTo) filters.push(`due_date <= ${$(q.dueTo)}::date`);
  const filtered = filters.join(' AND ');
  const views = {
    all: 'TRUE',
    mine: `assignee_id = ${userId}::uuid`,
    available: `assignee_id IS NULL AND role = ANY(${roles}::text[]) AND id NOT IN (SELECT id FROM blocked)`,
    overdue: 'overdue_since IS NOT NULL',
  };

  // Open tasks, of one type or all: task_tally's few rows per agency answer `available` and `overdue` (kept by
  // triggers; counting a city's 200,000 open tasks took 27-46 ms a count). An agency, due dates or another status:
  // counted on demand, each count as the sum of the two disjoint parts, each answered from a partial index.
  const tallied = q.status === 'open' && !q.agencyCode && !q.dueFrom && !q.dueTo;
  let counts: string;
  if (tallied) {
    const type = q.type ? $(q.type) : null;
    const ofType = type ? ` AND type = ${type}` : '';
    // The open unassigned tasks of the user's roles in their scope whose case they did an incompatible step of.
    const blocked = `SELECT count(*) FROM blocked o
     WHERE o.assignee_id IS NULL AND o.role = ANY(${roles}::text[])${type ? ` AND o.type = ${type}` : ''}
       AND (o.agency_code LIKE ${prefix} OR (o.escalated_to LIKE ${prefix} AND NOT o.agency_code LIKE ${prefix}))`;
    counts = `SELECT (coalesce(sum(unassigned) FILTER (WHERE role = ANY(${roles}::text[])), 0) - (${blocked}))::int AS available,
                     coalesce(sum(overdue) FILTER (WHERE ${everyRole ? 'TRUE' : `role = ANY(${roles}::text[])`}), 0)::int
                       AS overdue
                FROM task_tally
               WHERE (agency_code LIKE ${prefix} OR (escalated_to LIKE ${prefix} AND NOT agency_code LIKE ${prefix}))${ofType}`;
  } else {
    const onDemand = (view: string) =>
      `(SELECT count(*) FROM task WHERE ${own} AND ${filtered} AND ${view})
         + (SELECT count(*) FROM task WHERE ${escalated} AND ${filtered} AND ${view})`;
    counts = `SELECT (${onDemand(views.available)})::int AS available, (${onDemand(views.overdue)})::int AS overdue`;
  }

  const page = [visible, filtered, views[q.view]];
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    page.push(`(due_at, id) > (${$(c.dueAt)}::timestamptz, ${$(c.id)}::uuid)`);
  }
  const text = `
    WITH blocked AS MATERIALIZED (${blockedTasks}),
    counts AS MATERIALIZED (
      SELECT (SELECT count(*) FROM task WHERE ${visible} AND ${filtered} AND ${views.mine})::int AS mine, c.*
        FROM (${counts}) c
    )
    SELECT counts.mine, counts.available, counts.overdue, p.id, p.case_number, p.case_type, p.type, p.step, p.role,
           p.agency_code, p.escalated_to, p.status, p.assignee_name, to_char(p.due_date, 'YYYY-MM-DD') AS due_date,
           ${iso('p.due_at')} AS due_at, p.due_provisional, ${iso('p.overdue_since')} AS overdue_since, p.reminders, p.extensions,
           ${iso('p.created_at')} AS created_at, (SELECT b.step FROM blocked b WHERE b.id = p.id) AS blocked_step
      FROM counts
      LEFT JOIN LATERAL (
        SELECT id, case_number, case_type, type, step, role, agency_code, escalated_to, status, assignee_name, due_date,
               due_at, due_provisional, overdue_since, reminders, extensions, created_at
          FROM task
         WHERE ${page.join(' AND ')}
         ORDER BY due_at, id
         LIMIT ${$(q.limit + 1)}
      ) p ON TRUE
     ORDER BY p.due_at, p.id`;
  return { text, values };
}
