/**
 * 失业保险金申领: one workflow per application; its ID is the case number (no personal data in it). It owns the case's
 * whole life: from the application, through its benefit period (a child), to its end.
 *
 *   1. received       the paying locality's agency receives the application; the case opens (Art. 35-36)
 *   2. verdict        the facts gathered from the shared data (Art. 7) and the declaration give one verdict
 *                     (activities/determination.ts, domain/claim-verdict.ts), re-determined as the picture changes:
 *                     materials asked all at once, with a deadline, closed if not supplied (Art. 37 一次性告知);
 *                     arrears: the person is told and the case waits for the back payment or a signed waiver (Art.
 *                     41); a separation reason the data leaves open: a reviewer rules on it (Art. 38 para 3). A source
 *                     whose answer cannot be read decides nothing: an intake clerk checks by hand (Art. 7, 37).
 *   3. refusal        an ineligible verdict ends the decision with every reason and article, and the remedies with
 *                     their dates (Art. 11, 13, 37); the case then waits, until the last day to sue, for an objection
 *                     that finds the refusal wrong, and is reopened under the facts the conclusion found (Art. 13)
 *   4. acceptance     at a window, the intake clerk confirms the originals (Art. 14)
 *   5. review         by the route the verdict's risk chose (Art. 11, 28, 65): none (免复审, the case says by which
 *                     rule and parameter), one review, or three levels, each by a different person (岗位不相容); a
 *                     reviewer may correct the determination, which is determined again and reviewed on three levels
 *   6. approval       only an eligible verdict: the person is told, unemployment registration (Art. 40), the benefit
 *                     period starts with the figures of that verdict (Art. 38, 39); while it pays, a record correction
 *                     an objection concluded is determined again and changes what the period pays (Art. 13, 38)
 *   7. payment        the claim stays open while its period pays and while the overpayment of each stop is recovered
 *                     (Art. 42, 43: the recoveries are its children, workflows/recovery-request.ts)
 *
 * Every human step is a task of the task primitive (workflows/tasks.ts).
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  type ChildWorkflowHandle,
  ParentClosePolicy,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import type { Determination, DeterminationReason, EligibleDetermination } from '../activities/determination';
import type { StaffRole } from '../domain/access';
import type { ClaimInputs, OpenQuestion, SeparationRuling } from '../domain/claim-verdict';
import { articleLabel } from '../domain/messages';
import { benefitPeriod, changeEntitlement } from './benefit-period';
import type { AppliedCorrection, CorrectionToCarryOut } from './objection-conclusion';
import { createObjectionWindow } from './objection-window';
import { recoveryNeeded, startRecoveryChild } from './recovery-request';
import type { RecoveryInput } from '../contracts/recovery';
import { unreadableSource } from './source-failure';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';
import { payDayOf, payingRunMonth } from '../contracts/pay-day';
import {
  claimStatus,
  supplyMaterials,
  waiveArrears,
  type BenefitClaimInput,
  type ClaimStatus,
} from '../contracts/claim';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

type ReviewStep = 'review' | 'second_review' | 'approve';
/** Who does each review step, and its time limit (policy/deadline.json). */
const REVIEW_STEPS: Record<ReviewStep, { role: StaffRole; dueKey: string; status: ClaimStatus }> = {
  review: { role: 'reviewer', dueKey: 'task.claimReview', status: 'awaiting_review' },
  second_review: { role: 'second_reviewer', dueKey: 'task.claimSecondReview', status: 'awaiting_second_review' },
  approve: { role: 'approver', dueKey: 'task.claimApproval', status: 'awaiting_approval' },
};

/** How often a case waiting for a back payment looks at the tax data again. */
const ARREARS_RECHECK = '1 day';

type Reason = { message: string; article: string };

export async function benefitClaim(input: BenefitClaimInput): Promise<ClaimStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'benefit_claim' });
  // Art. 36: POST /claims wrote the case before it started this workflow.
  let status: ClaimStatus = 'awaiting_acceptance';
  /** What the case brings to its verdict (Art. 35, 37, 38, 41), recorded with each determination version. */
  const inputs: ClaimInputs = {
    applicationDate: shanghaiDate(Date.parse(input.receivedAt)),
    suppliedMaterials: [],
    waivedMonths: [],
    rulings: [],
  };
  let requested: string[] = [];
  /** Who supplied materials last, and who signed the arrears waiver (a clerk's username, or `applicant`). */
  let suppliedBy: string | undefined;
  let waivedBy: string | undefined;
  let arrearsMonths: string[] = [];
  /** Art. 13: corrections objections concluded, for this case to carry out; times the case was reopened by one. */
  const objections = createObjectionWindow(caseNumber);
  let reopenings = 0;

  setHandler(claimStatus, () => status);
  /** Art. 43: recoveries asked for by whoever stopped the period, started in the payment phase (approve). */
  const recoveriesAsked: RecoveryInput[] = [];
  setHandler(recoveryNeeded, (r) => {
    recoveriesAsked.push(r);
  });
  setHandler(
    supplyMaterials,
    async ({ kinds, by }) => {
      suppliedBy = by;
      await acts.recordMaterialsSupplied({ caseNumber, kinds, by, at: new Date().toISOString() });
      for (const k of kinds) if (!inputs.suppliedMaterials.includes(k)) inputs.suppliedMaterials.push(k);
      return { stillMissing: requested.filter((k) => !inputs.suppliedMaterials.includes(k)) };
    },
    {
      validator: ({ kinds }: { kinds: string[] }) => {
        if (status !== 'awaiting_materials')
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
  setHandler(
    waiveArrears,
    async ({ by }) => {
      waivedBy = by;
      for (const m of arrearsMonths) if (!inputs.waivedMonths.includes(m)) inputs.waivedMonths.push(m);
      return { waivedMonths: [...inputs.waivedMonths] };
    },
    {
      validator: (_signed) => {
        if (status !== 'awaiting_arrears')
          throw ApplicationFailure.nonRetryable('The case is not waiting on arrears', 'NotWaitingForArrears');
      },
    },
  );

  const now = () => new Date().toISOString();
  async function moveTo(next: ClaimStatus, event: string, data?: Record<string, unknown>, actor?: string) {
    status = next;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
    await acts.recordCaseStatus({
      caseNumber,
      status,
      event,
      ...(actor ? { actor } : {}),
      ...(data ? { data } : {}),
      at: now(),
    });
  }
  const note = (event: string, data: Record<string, unknown>, actor?: string) =>
    acts.recordCaseStatus({ caseNumber, status, event, data, ...(actor ? { actor } : {}), at: now() });
  const tell = (
    kind: Parameters<Activities['notifyApplicant']>[0]['kind'],
    params: Record<string, unknown>,
    suffix: string = kind,
  ) =>
    acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.${suffix}`,
      kind,
      params: { caseNumber, ...params } as never,
      at: now(),
    });
  /** Updates still answering finish before the workflow does. */
  async function finish(): Promise<ClaimStatus> {
    await condition(allHandlersFinished);
    return status;
  }

  /**
   * Art. 11, 13, 37: refused with every reason and its article, and the remedies with their last days (from today,
   * the day the notice goes out). `stage`: by the verdict on the shared data (不予受理), or by a person (审核不通过).
   */
  async function refuse(
    reasons: Reason[],
    by: { stage: 'acceptance' | 'review'; actor?: string; determinationVersion?: number },
  ) {
    const remedies = await objections.open();
    await moveTo(
      'refused',
      'claim_refused',
      {
        stage: by.stage,
        reasons,
        remedies,
        ...(by.determinationVersion ? { determinationVersion: by.determinationVersion } : {}),
      },
      by.actor,
    );
    await tell(
      'claim_refused',
      {
        stage: by.stage,
        reasons: reasons.map((r) => `${r.message}（${articleLabel(r.article)}）`),
        ...remedies,
      },
      reopenings ? `claim_refused.${reopenings}` : 'claim_refused',
    );
    return 'refused' as const;
  }

  /** The verdict now (Art. 34-38, 41): a version with its facts, inputs and explanation, recorded on the case. */
  async function determine(reason: DeterminationReason, createdBy: string, manualCorrection = false) {
    const d = await acts.determineClaim({
      caseNumber,
      reason,
      determinationDate: shanghaiDate(Date.now()),
      inputs,
      manualCorrection,
      createdBy,
    });
    await note(`claim_determined_${d.version}`, {
      version: d.version,
      verdict: d.verdict,
      conflicts: d.conflicts,
      ...(d.verdict === 'ineligible' ? { reasons: d.reasons } : {}),
      ...(d.verdict === 'pending' ? { open: d.open.map((o) => o.kind) } : {}),
    });
    return d;
  }

  /**
   * Art. 7, 37: a source whose answer cannot be read decides nothing. An intake clerk checks by hand, then has the
   * verdict determined again (accept) or refuses with the reasons. Null: determine again.
   */
  async function sourceUnreadable(error: string, round: number): Promise<ClaimStatus | null> {
    await note(`acceptance_source_unreadable_${round}`, { error, article: 'Art. 37' });
    const check = await tasks.humanTask({
      type: 'source_check',
      form: 'acceptance',
      step: 'accept',
      role: 'intake',
      agencyCode,
      dueKey: 'task.claimAcceptance',
    });
    if (check.decision.decision === 'refuse') {
      return refuse(
        check.decision.reasons.map((r) => ({ message: r, article: 'Art. 37' })),
        { stage: 'acceptance', actor: check.by.username },
      );
    }
    return null;
  }

  /** Art. 37 一次性告知: every missing material in one notice, with the deadline; false if they do not come. */
  async function askMaterials(q: Extract<OpenQuestion, { kind: 'materials' }>, round: number): Promise<boolean> {
    requested = q.materials.map((m) => m.kind);
    const due = await acts.computeDeadline({ key: 'claim.materials', start: shanghaiDate(Date.now()) });
    await acts.recordMaterialsRequested({ caseNumber, materials: q.materials, dueDate: due.dueDate, at: now() });
    await tell(
      'materials_requested',
      { materials: q.materials.map((m) => m.label), dueDate: due.dueDate },
      `materials.${round}`,
    );
    await moveTo('awaiting_materials', `materials_requested_${round}`, {
      materials: requested,
      dueDate: due.dueDate,
      ...(due.provisional ? { provisional: true } : {}),
    });
    // The person is told the date: recomputed on an entered calendar year, it never becomes earlier.
    const complete = await tasks.waitWithDeadline(`materials.${round}`, due, 'person', () =>
      requested.every((k) => inputs.suppliedMaterials.includes(k)),
    );
    if (!complete) {
      await moveTo('closed', 'materials_not_supplied', {
        missing: requested.filter((k) => !inputs.suppliedMaterials.includes(k)),
      });
      await tell('materials_not_supplied', {});
      return false;
    }
    // The person who supplied the last of them (an intake clerk, or `applicant`), not the system (Art. 37, 78).
    await moveTo('awaiting_acceptance', `materials_supplied_${round}`, undefined, suppliedBy);
    return true;
  }

  /** Art. 41: told once; then wait a day for the back payment (seen in the tax data) or the signed waiver. */
  async function awaitArrears(q: Extract<OpenQuestion, { kind: 'arrears' }>) {
    arrearsMonths = q.months;
    if (status !== 'awaiting_arrears') {
      await tell('arrears_notice', { months: arrearsMonths.length }, 'arrears');
      await moveTo('awaiting_arrears', 'arrears_notified', { months: arrearsMonths });
    }
    const waived = () => arrearsMonths.every((m) => inputs.waivedMonths.includes(m));
    await condition(waived, ARREARS_RECHECK);
    if (waived())
      await note(`arrears_waived_${inputs.waivedMonths.length}`, { months: [...inputs.waivedMonths] }, waivedBy);
  }

  /**
   * Art. 38 para 3: the shared data leaves the separation reason open. A reviewer rules on it with the declaration,
   * the record and the conflicts in front of them; the ruling becomes an input of the next determination.
   */
  async function ruleOnSeparation(): Promise<void> {
    await moveTo('awaiting_review', `separation_ruling_requested_${inputs.rulings.length + 1}`, {
      article: 'Art. 38',
    });
    const ruling = await tasks.humanTask({
      type: 'claim_separation_ruling',
      form: 'separationRuling',
      step: 'review',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.claimReview',
    });
    const d = ruling.decision;
    const r: SeparationRuling = {
      fact: 'separation_reason',
      involuntary: d.decision === 'involuntary',
      basis: d.basis,
      by: ruling.by.username,
      at: ruling.at,
      ...(d.decision === 'voluntary' ? { note: d.reasons.join('；') } : {}),
    };
    inputs.rulings.push(r);
  }

  /**
   * Steps 2-3: determined until the verdict is eligible or ineligible, each open question put to whoever can settle
   * it. Returns the eligible determination, or the case's end.
   */
  async function settle(first: DeterminationReason = 'initial'): Promise<EligibleDetermination | ClaimStatus> {
    for (let round = 1; ; round++) {
      let d: Determination;
      try {
        d = await determine(round === 1 ? first : inputs.rulings.length ? 'ruling' : 'recheck', 'system');
      } catch (err) {
        const unreadable = unreadableSource(err);
        if (!unreadable) throw err;
        const ended = await sourceUnreadable(unreadable, round);
        if (ended) return ended;
        continue;
      }
      if (d.verdict === 'eligible') return d;
      if (d.verdict === 'ineligible') {
        return refuse(d.reasons, {
          stage: inputs.rulings.length ? 'review' : 'acceptance',
          determinationVersion: d.version,
        });
      }
      const q = d.open[0];
      if (q.kind === 'materials') {
        if (!(await askMaterials(q, round))) return status;
      } else if (q.kind === 'separation_reason') {
        await ruleOnSeparation();
      } else {
        await awaitArrears(q);
      }
    }
  }

  /**
   * Step 5: the review route the verdict chose (Art. 11, 28, 65). A correction (Art. 38 para 2) is determined again
   * and reviewed on three levels; its verdict decides as any other. Returns the eligible determination approved.
   */
  async function review(d: EligibleDetermination, accepter?: string): Promise<EligibleDetermination | ClaimStatus> {
    for (;;) {
      const steps = d.route.steps;
      await moveTo(
        steps.length ? REVIEW_STEPS[steps[0]!].status : 'approved',
        d.version === 1 ? 'claim_accepted' : `claim_accepted_${d.version}`,
        {
          determinationVersion: d.version,
          reviewSteps: steps,
          // Art. 11: the rule that chose the route (免复审 when no step), with its parameter and confirmed flag.
          reviewRule: d.route.rule,
          determination: d.figures,
          conflicts: d.conflicts,
          selfDeclaredSeparation: d.selfDeclared,
          ...(d.selfDeclared ? { auditFlag: 'self_declared_separation (Art. 38)' } : {}),
        },
        accepter,
      );
      let corrected: Determination | null = null;
      for (const [i, step] of steps.entries()) {
        const { role, dueKey } = REVIEW_STEPS[step];
        const r = await tasks.humanTask({ type: `claim_${step}`, form: 'review', step, role, agencyCode, dueKey });
        const f = r.decision;
        if (f.decision === 'reject') {
          return refuse(
            f.reasons.map((m) => ({ message: m, article: 'Art. 38' })),
            { stage: 'review', actor: r.by.username, determinationVersion: d.version },
          );
        }
        if (f.decision === 'correct') {
          // Art. 38 para 2: determined again with the corrected information, then reviewed on three levels.
          if (f.corrections.deemedContributionMonths !== undefined)
            inputs.deemedContributionMonths = f.corrections.deemedContributionMonths;
          corrected = await determine('correction', r.by.username, true);
          break;
        }
        const next = steps[i + 1];
        await moveTo(
          next ? REVIEW_STEPS[next].status : 'approved',
          `claim_${step}_passed_${d.version}`,
          {},
          r.by.username,
        );
      }
      if (!corrected) return d;
      if (corrected.verdict === 'ineligible') {
        return refuse(corrected.reasons, { stage: 'review', determinationVersion: corrected.version });
      }
      if (corrected.verdict === 'pending') {
        // A correction never opens a question the first verdict had settled; if it does, a person looks again.
        const ended = await settle();
        if (typeof ended === 'string') return ended;
        corrected = ended;
      }
      d = corrected;
    }
  }

  /** Step 6, Art. 38-40: only an eligible determination approves; the period pays that version's figures. */
  async function approve(d: EligibleDetermination): Promise<ClaimStatus> {
    const f = d.figures;
    // Art. 39, 63: the first pay day — the city's run that pays the first month (the 10th; after it, the next month's).
    await tell('claim_approved', {
      months: f.months,
      monthlyAmountFen: f.monthlyAmountFen,
      startDate: f.startDate,
      endDate: f.endDate,
      firstPayDate: shanghaiDate(payDayOf(payingRunMonth(f.startDate.slice(0, 7), Date.now()))),
    });
    await acts.registerUnemployment({ caseNumber, startDate: f.startDate, endDate: f.endDate });
    const period = await startChild(benefitPeriod, {
      workflowId: `${caseNumber}.P`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'benefit_period' },
        { key: AGENCY_CODE, value: agencyCode },
        { key: CASE_STATUS, value: 'in_payment' },
      ],
      args: [
        {
          periodId: `${caseNumber}.P`,
          caseNumber,
          agencyCode,
          determinationVersion: d.version,
          startDate: f.startDate,
          endDate: f.endDate,
          months: f.months,
          monthlyAmountFen: f.monthlyAmountFen,
        },
      ],
    });
    // The claim stays open while its period pays (its payment phase) and while what was overpaid after a stop is
    // recovered (Art. 43: one recovery per stop, its child, asked for by whoever found the stop): the period and the
    // recoveries are its children, and a cancellation of the claim reaches neither (a stop or a revocation does). A
    // correction an objection concludes meanwhile is carried out here (Art. 13, 38 para 2).
    let periodEnded = false;
    let openRecoveries = 0;
    void period
      .result()
      .catch(() => undefined)
      .then(() => {
        periodEnded = true;
      });
    await CancellationScope.nonCancellable(async () => {
      for (;;) {
        await condition(
          () => objections.pending() > 0 || recoveriesAsked.length > 0 || (periodEnded && openRecoveries === 0),
        );
        if (objections.pending()) {
          await correctWhilePaying(objections.take()!, period);
          continue;
        }
        const asked = recoveriesAsked.shift();
        if (!asked) break;
        const recovery = await startRecoveryChild(asked);
        if (!recovery) continue; // started already (a repeated request)
        openRecoveries += 1;
        void recovery
          .result()
          .catch(() => undefined)
          .then(() => {
            openRecoveries -= 1;
          });
      }
    });
    return finish();
  }

  /**
   * Art. 13, 38 para 2: a confirmed correction of the entitlement record, while the period pays: determined again (a
   * new version), and the period pays the corrected months, end date and amount. A reopening does not apply to a claim
   * being paid. Recorded on the objection either way.
   */
  async function correctWhilePaying(
    c: CorrectionToCarryOut,
    period: ChildWorkflowHandle<typeof benefitPeriod>,
  ): Promise<void> {
    const record = (applied: AppliedCorrection) => objections.recordApplied(c, applied);
    if (c.correction.kind !== 'contribution_record') {
      return record({ kind: 'not_applied', note: 'the claim was approved: there is no refusal to reopen' });
    }
    inputs.deemedContributionMonths = c.correction.deemedContributionMonths;
    const d = await determine('objection', c.by.username);
    if (d.verdict !== 'eligible') {
      return record({
        kind: 'not_applied',
        determinationVersion: d.version,
        note: `the corrected determination is ${d.verdict}`,
      });
    }
    const f = d.figures;
    await period.signal(changeEntitlement, {
      version: d.version,
      months: f.months,
      endDate: f.endDate,
      monthlyAmountFen: f.monthlyAmountFen,
      reason: `复核 ${c.objectionNumber}`,
      by: c.by.username,
    });
    await note(`claim_redetermined_${d.version}`, {
      objectionNumber: c.objectionNumber,
      determinationVersion: d.version,
      determination: f,
      article: 'Art. 38',
    });
    return record({
      kind: 'recalculated',
      determinationVersion: d.version,
      months: f.months,
      endDate: f.endDate,
      monthlyAmountFen: f.monthlyAmountFen,
    });
  }

  /**
   * Art. 13: a refused claim waits, until the last day to sue, for an objection that finds the refusal wrong: the case
   * is then reopened under the facts the conclusion found. Null: the time for objections passed.
   */
  async function awaitReopening(): Promise<CorrectionToCarryOut | null> {
    const c = await objections.awaitCorrection();
    if (!c) return null;
    if (c.correction.kind === 'reopen' && c.correction.separation) {
      // The conclusion decided the separation (Art. 38 para 3; the record prevails unless a person decides).
      inputs.rulings.push({
        fact: 'separation_reason',
        involuntary: c.correction.separation.involuntary,
        basis: c.correction.separation.basis,
        by: c.by.username,
        at: c.at,
        note: `复核 ${c.objectionNumber}`,
      });
    }
    if (c.correction.kind === 'contribution_record') {
      inputs.deemedContributionMonths = c.correction.deemedContributionMonths;
    }
    reopenings += 1;
    const step = c.correction.kind === 'reopen' ? c.correction.step : 'determination';
    // Reopened on the conclusion of whoever concluded the objection.
    await moveTo(
      'awaiting_acceptance',
      `claim_reopened_${reopenings}`,
      { objectionNumber: c.objectionNumber, step, correction: c.correction, article: 'Art. 13' },
      c.by.username,
    );
    await objections.recordApplied(c, { kind: 'reopened', step });
    return c;
  }

  /**
   * Steps 2-6: the verdict settled, the window acceptance, the review route, the approval. A reopened case (Art. 13)
   * starts again from its verdict, the intake clerk's acceptance only when the conclusion names it.
   */
  async function decide(reopened: CorrectionToCarryOut | null): Promise<ClaimStatus> {
    // 2-3. Art. 34-38, 41: one verdict, settled.
    const settled = await settle(reopened ? 'objection' : 'initial');
    if (typeof settled === 'string') return settled;
    if (status !== 'awaiting_acceptance') await moveTo('awaiting_acceptance', `acceptance_resumed_${reopenings}`);

    // 4. Art. 14, 37: at a window, the intake clerk checks the originals and accepts (or refuses with the reasons).
    let accepter: string | undefined;
    const atAcceptance =
      !reopened || (reopened.correction.kind === 'reopen' && reopened.correction.step === 'acceptance');
    if (input.channel === 'window' && atAcceptance) {
      const acceptance = await tasks.humanTask({
        type: 'claim_acceptance',
        form: 'acceptance',
        step: 'accept',
        role: 'intake',
        agencyCode,
        dueKey: 'task.claimAcceptance',
      });
      if (acceptance.decision.decision === 'refuse') {
        return refuse(
          acceptance.decision.reasons.map((r) => ({ message: r, article: 'Art. 37' })),
          { stage: 'acceptance', actor: acceptance.by.username },
        );
      }
      accepter = acceptance.by.username;
    }

    // 5. Art. 11, 28, 65: review by risk.
    const reviewed = await review(settled, accepter);
    if (typeof reviewed === 'string') return reviewed;

    // 6. Art. 38-40: approved on the eligible verdict.
    return approve(reviewed);
  }

  try {
    // 1. Art. 36: the paying locality's agency received the application (the case is in the read model).
    // 2-6, and again each time an objection reopens a refusal (Art. 13).
    let reopened: CorrectionToCarryOut | null = null;
    for (;;) {
      const outcome = await decide(reopened);
      if (outcome !== 'refused') return await finish();
      reopened = await awaitReopening();
      if (!reopened) return await finish();
    }
  } catch (err) {
    if (isCancellation(err)) {
      // A supervisor or the applicant cancelled the case: record it, whatever happens to the cancelled scope.
      await CancellationScope.nonCancellable(async () => {
        await tasks.cancelOpen();
        await moveTo('cancelled', 'case_cancelled');
      });
    }
    throw err;
  }
}
