/**
 * The case kernel on the workflow side: what every case type's life has and none writes again (docs/ARCHITECTURE.md).
 *
 *   caseLife            the case's status: its search attribute (CASE_STATUS) and its read-model row and timeline
 *                       event, moved together (`moveTo`); an event without a new status (`note`); a notice to the
 *                       applicant (`tell`, one SMS per message ID); the end once every Update has answered (`finish`)
 *   acceptMaterials     Art. 37 一次性告知: the `supplyMaterials` handler and the request of every missing material in
 *                       one notice with its deadline (`ask`)
 *   acceptAccountCorrections  Art. 39 发放不成功的，及时告知更正: the `correctBankAccount` handler, its checks, the one
 *                       activity that records the account, and the re-queue the case type gives
 *
 * Deterministic: workflow code only; the activities are named by type.
 */
import {
  type ActivityOptions,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { shanghaiDate } from '../../domain/business-time';
import { correctBankAccount, supplyMaterials, type AccountCorrection } from '../../contracts/case';
import { CASE_STATUS } from '../../contracts/search-attributes';
import { CASE_ACTIVITY } from '../activity-options';
import type { TaskBoard } from '../tasks';

const caseActs = proxyActivities<Activities>(CASE_ACTIVITY);
const acts = caseActs;
const iso = () => new Date().toISOString();

type NoticeKind = Parameters<Activities['notifyApplicant']>[0]['kind'];
type MaterialRequest = Parameters<Activities['recordMaterialsRequested']>[0]['materials'][number];

export interface CaseLife<S extends string> {
  readonly caseNumber: string;
  readonly status: S;
  /** The new status: search attribute, then the read model's row and the timeline event (with who, and what). */
  moveTo(next: S, event: string, data?: Record<string, unknown>, actor?: string): Promise<void>;
  /** The new status on the search attribute only (the type's activity records it with what it writes). */
  show(next: S): void;
  /** A timeline event at the present status. */
  note(event: string, data: Record<string, unknown>, actor?: string): Promise<void>;
  /** A notice to the applicant, sent once per `suffix` (the message ID is `<case>.<suffix>`). */
  tell(kind: NoticeKind, params: Record<string, unknown>, suffix?: string): Promise<void>;
  /** The status the case ends with, once every Update still answering has finished. */
  finish(): Promise<S>;
}

/**
 * A case's life from `initial` (the status its opening wrote). `record` replaces the case row's writer where the type
 * keeps its status elsewhere (a recovery's row); `onStatus` sees each new status (a view a query returns).
 */
export function caseLife<S extends string>(p: {
  caseNumber: string;
  initial: S;
  record?: (r: {
    status: S;
    event: string;
    data?: Record<string, unknown>;
    actor?: string;
    at: string;
  }) => Promise<void>;
  onStatus?: (status: S) => void;
  /** The activity options of the case's own activities (default CASE_ACTIVITY). */
  activityOptions?: ActivityOptions;
}): CaseLife<S> {
  const { caseNumber } = p;
  const acts = p.activityOptions ? proxyActivities<Activities>(p.activityOptions) : caseActs;
  let status = p.initial;
  const record =
    p.record ??
    ((r: { status: S; event: string; data?: Record<string, unknown>; actor?: string; at: string }) =>
      acts.recordCaseStatus({ caseNumber, ...r }));
  // Closures, not methods: a workflow takes them apart (`const { moveTo } = life`).
  const show = (next: S) => {
    status = next;
    p.onStatus?.(next);
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
  };
  return {
    caseNumber,
    get status() {
      return status;
    },
    async moveTo(next, event, data, actor) {
      show(next);
      await record({ status, event, ...(actor ? { actor } : {}), ...(data ? { data } : {}), at: iso() });
    },
    show,
    async note(event, data, actor) {
      await acts.recordCaseStatus({ caseNumber, status, event, data, ...(actor ? { actor } : {}), at: iso() });
    },
    async tell(kind, params, suffix = kind) {
      await acts.notifyApplicant({
        caseNumber,
        messageId: `${caseNumber}.${suffix}`,
        kind,
        params: { caseNumber, ...params } as never,
        at: iso(),
      });
    },
    async finish() {
      await condition(allHandlersFinished);
      return status;
    },
  };
}

export interface Materials {
  /** The kinds supplied so far (the claim keeps them with its determination's inputs). */
  readonly supplied: readonly string[];
  /** Who supplied the last of them: a clerk's username, or `applicant` (Art. 37, 78). */
  readonly suppliedBy: string | undefined;
  /**
   * Art. 37 一次性告知: every missing material in one notice with its deadline (`notify`), the case `awaiting_materials`
   * until they are all in; true when they came, false when the deadline passed (the case is then `closed`).
   */
  ask(request: {
    materials: MaterialRequest[];
    round: number;
    /** The notice of the materials still `missing` (Art. 85: those held are not asked for). */
    notify: (dueDate: string, missing: readonly string[]) => Promise<void>;
  }): Promise<boolean>;
}

/**
 * Registers the `supplyMaterials` handler (accepted only while the case waits for materials, and only the kinds asked
 * for) on the case's life. `supplied` is the list the kinds go into (kept by the caller where it needs them).
 */
export function acceptMaterials<S extends string>(
  life: CaseLife<S | 'awaiting_materials' | 'closed'>,
  tasks: Pick<TaskBoard, 'waitWithDeadline'>,
  supplied: string[] = [],
): Materials {
  let requested: string[] = [];
  let suppliedBy: string | undefined;
  const { caseNumber } = life;
  setHandler(
    supplyMaterials,
    async ({ kinds, by, documents }) => {
      suppliedBy = by;
      await acts.recordMaterialsSupplied({ caseNumber, kinds, by, at: iso(), ...(documents ? { documents } : {}) });
      for (const k of kinds) if (!supplied.includes(k)) supplied.push(k);
      return { stillMissing: requested.filter((k) => !supplied.includes(k)) };
    },
    {
      validator: ({ kinds }: { kinds: string[] }) => {
        if (life.status !== 'awaiting_materials')
          throw ApplicationFailure.nonRetryable('No materials are being asked for', 'NotWaitingForMaterials');
        const unknown = kinds.filter((k) => !requested.includes(k));
        if (!kinds.length || unknown.length)
          throw ApplicationFailure.nonRetryable(
            `Not asked for: ${unknown.join(', ') || '(none given)'}`,
            'UnknownMaterial',
          );
      },
    },
  );
  return {
    supplied,
    get suppliedBy() {
      return suppliedBy;
    },
    async ask({ materials, round, notify }) {
      requested = materials.map((m) => m.kind);
      const due = await acts.computeDeadline({ key: 'claim.materials', start: shanghaiDate(Date.now()) });
      // Art. 85: what a valid document held for the same person answers is not asked again (histories before it:
      // no answer, nothing held, the same commands as before).
      const recorded = await acts.recordMaterialsRequested({ caseNumber, materials, dueDate: due.dueDate, at: iso() });
      for (const k of recorded?.held ?? []) if (!supplied.includes(k)) supplied.push(k);
      const missing = requested.filter((k) => !supplied.includes(k));
      if (!missing.length) return true;
      await notify(due.dueDate, missing);
      await life.moveTo('awaiting_materials', `materials_requested_${round}`, {
        materials: missing,
        dueDate: due.dueDate,
        ...(due.provisional ? { provisional: true } : {}),
      });
      // The person is told the date: recomputed on an entered calendar year, it never becomes earlier.
      const complete = await tasks.waitWithDeadline(`materials.${round}`, due, 'person', () =>
        requested.every((k) => supplied.includes(k)),
      );
      if (complete) return true;
      await life.moveTo('closed', 'materials_not_supplied', {
        missing: requested.filter((k) => !supplied.includes(k)),
      });
      return false;
    },
  };
}

/** The checks every `correctBankAccount` handler makes before it takes the account (Art. 39). */
export function validateAccountCorrection(c: { method: string; bankName: string | null; accountNumber: string }): void {
  if (!/^\d{12,30}$/.test(c.accountNumber))
    throw ApplicationFailure.nonRetryable('The account number must be 12-30 digits', 'InvalidAccount');
  if (c.method === 'bank_account' && !c.bankName)
    throw ApplicationFailure.nonRetryable('The bank name is required for a bank account', 'InvalidAccount');
}

/**
 * Art. 39: registers the `correctBankAccount` handler. Accepted while `paying()` (else NotInPayment) and the account
 * passes the checks; `record` writes the account (the type's activity) and `requeue` re-sends what failed, once.
 */
export function acceptAccountCorrections(p: {
  paying: () => boolean;
  record: (c: AccountCorrection, at: string) => Promise<void>;
  requeue: () => Promise<string[]>;
}): void {
  setHandler(
    correctBankAccount,
    async (c) => {
      await p.record(c, iso());
      return { requeued: await p.requeue() };
    },
    {
      validator: (c) => {
        if (!p.paying()) throw ApplicationFailure.nonRetryable('Nothing of this case is being paid', 'NotInPayment');
        validateAccountCorrection(c);
      },
    },
  );
}

/**
 * Runs a case's procedure. Cancelled (a supervisor, or the applicant withdrawing): its open tasks end with it and the
 * case is recorded `cancelled`, whatever becomes of the cancelled scope; the cancellation then ends the workflow.
 */
export async function untilCancelled<S extends string>(
  life: CaseLife<S | 'cancelled'>,
  tasks: Pick<TaskBoard, 'cancelOpen'>,
  procedure: () => Promise<S>,
): Promise<S> {
  try {
    return await procedure();
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        await tasks.cancelOpen();
        await life.moveTo('cancelled', 'case_cancelled');
      });
    }
    throw err;
  }
}
