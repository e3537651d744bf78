/**
 * What a person or an employer may know of their own case (Art. 30, 31; issue 21 item 5): the steps taken and by
 * which post, not by whom. Staff usernames become the post's name (受理, 审核…), internal comments, task bookkeeping
 * and the agency's internal checks are left out, and no link to the workflow engine is given.
 */
import { ROLE_NAMES } from '../../domain/access';
import type { Db } from '../../lib/db';

/** The posts' names (the 规程's words: the staff's, and the machine clients' and agents' as the pages name them). */
export const POST_NAMES: Readonly<Record<string, string>> = {
  ...ROLE_NAMES,
  employer_agent: '单位经办人',
  online_channel: '网上服务平台',
  kiosk: '自助终端',
};

/** Events of the agency's own work on a case: who holds a task, its deadlines and escalations, internal checks. */
export const INTERNAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'task_opened',
  'task_claimed',
  'task_released',
  'task_reassigned',
  'task_extended',
  'task_overdue',
  'task_escalated',
  'deadline_recomputed',
  'suspicious_item_found',
  'monthly_check_unreadable',
  'monthly_check_stop_unhandled',
  'stop_not_reached',
  'determination_revocation_proposed',
  'record_correction_referred',
]);

/** Keys of an event's data that name staff or carry their internal notes, at any depth. */
const INTERNAL_KEYS = new Set([
  'comment',
  'comments',
  'note',
  'notes',
  'internalNote',
  'taskId',
  'userId',
  'username',
  'assignee',
  'assigneeId',
  'by',
  'proposedBy',
  'filedBy',
  'itemCaseNumber',
  'runId',
]);

function withoutInternal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutInternal);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !INTERNAL_KEYS.has(k))
      .map(([k, v]) => [k, withoutInternal(v)]),
  );
}

/** Actors that are not people of the agency keep their code (the pages name them). */
const NOT_STAFF = new Set(['system', 'applicant', 'employer', 'employer_agent']);

export interface CaseEventView {
  type: string;
  at: string;
  actor: string;
  data: unknown;
}

/** The timeline as the person or employer the case concerns may see it. */
export async function eventsForParty(db: Db, events: CaseEventView[]): Promise<CaseEventView[]> {
  const shown = events.filter((e) => !INTERNAL_EVENT_TYPES.has(e.type));
  const usernames = [...new Set(shown.map((e) => e.actor).filter((a) => !NOT_STAFF.has(a)))];
  const users = usernames.length
    ? await db.user.findMany({ where: { username: { in: usernames } }, select: { username: true, roles: true } })
    : [];
  const postOf = new Map(users.map((u) => [u.username, POST_NAMES[u.roles[0] ?? ''] ?? '经办机构']));
  return shown.map((e) => ({
    type: e.type,
    at: e.at,
    actor: NOT_STAFF.has(e.actor) ? e.actor : (postOf.get(e.actor) ?? '经办机构'),
    data: withoutInternal(e.data),
  }));
}
