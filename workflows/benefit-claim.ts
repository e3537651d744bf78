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
  ApplicationFailure,
  CancellationScope,
  type ChildWorkflowHandle,
  ParentClosePolicy,
  condition,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import type { Determination, DeterminationReason, EligibleDetermination } from '../activities/determination';
import type { StaffRole } from '../domain/access';
import type { ClaimInputs, OpenQuestion, SeparationRuling } from '../domain/claim-verdict';
import { articleLabel } from '../domain/messages';
import { benefitPeriod, changeEntitlement } from './benefit-period';
import type { AppliedCorrection, CorrectionToCarryOut } from '../contracts/objection';
import { contributionsCorrected, type ContributionsCorrected } from '../contracts/record-correction';
import { createObjectionWindow } from './objection-window';
import { recoveryNeeded, startRecoveryChild } from './recovery-request';
import type { RecoveryInput } from '../contracts/recovery';
import { unreadableSource } from './source-failure';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { createTaskBoard, type TaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';
import { payDayOf, payingRunMonth } from '../contracts/pay-day';
import {
  arrearsBackPaid,
  claimStatus,
  waiveArrears,
  type BenefitClaimInput,
  type ClaimStatus,
} from '../contracts/claim';
import { acceptMaterials, caseLife, untilCancelled, type CaseLife, type Materials } from './kernel/case';

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
  const life = caseLife<ClaimStatus>({ caseNumber, initial: 'awaiting_acceptance' });
  const { finish } = life;
  /** What the case brings to its verdict (Art. 35, 37, 38, 41), recorded with each determination version. */
  const inputs: ClaimInputs = {
    applicationDate: shanghaiDate(Date.parse(input.receivedAt)),
    suppliedMaterials: [],
    waivedMonths: [],
    rulings: [],
  };
  /** Art. 37: the materials asked for; who supplied them last (a clerk's username, or `applicant`). */
  const materials = acceptMaterials(life, tasks, inputs.suppliedMaterials);
  /** Art. 13: corrections objections concluded, for this case to carry out; times the case was reopened by one. */
  const objections = createObjectionWindow(caseNumber);

  setHandler(claimStatus, () => life.status);
  /** Art. 43: recoveries asked for by whoever stopped the period, started in the payment phase (approve). */
  const recoveriesAsked: RecoveryInput[] = [];
  /** The case as its step functions share it; who signed the arrears waiver, the months in arrears, times reopened. */
  const c: ClaimCase = {
    input,
    caseNumber,
    agencyCode,
    tasks,
    life,
    inputs,
    materials,
    objections,
    recoveriesAsked,
    recordCorrections: [],
    state: { arrearsMonths: [], reopenings: 0, backPaidBy: [] },
  };
  // Art. 26, 41: a back payment paid and posted; the wait on arrears ends and the case determines again.
  setHandler(arrearsBackPaid, ({ backPaymentCaseNumber }) => {
    if (!c.state.backPaidBy.includes(backPaymentCaseNumber)) c.state.backPaidBy.push(backPaymentCaseNumber);
    c.state.backPaidSeen = false;
  });
  setHandler(recoveryNeeded, (r) => {
    recoveriesAsked.push(r);
  });
  // Art. 28, 38: a correction of the person's record approved: determined again once the claim pays (an earlier
  // determination reads the corrected record anyway).
  setHandler(contributionsCorrected, (k) => {
    c.recordCorrections.push(k);
  });
  setHandler(
    waiveArrears,
    async ({ by }) => {
      c.state.waivedBy = by;
      for (const m of c.state.arrearsMonths) if (!inputs.waivedMonths.includes(m)) inputs.waivedMonths.push(m);
      return { waivedMonths: [...inputs.waivedMonths] };
    },
    {
      validator: (_signed) => {
        if (life.status !== 'awaiting_arrears')
          throw ApplicationFailure.nonRetryable('The case is not waiting on arrears', 'NotWaitingForArrears');
      },
    },
  );

  // 1. Art. 36: the paying locality's agency received the application (the case is in the read model).
  // 2-6, and again each time an objection reopens a refusal (Art. 13).
  return untilCancelled(life, tasks, async () => {
    let reopened: CorrectionToCarryOut | null = null;
    for (;;) {
      const outcome = await decide(c, reopened);
      if (outcome !== 'refused') return await finish();
      reopened = await awaitReopening(c);
      if (!reopened) return await finish();
    }
  });
}

/** A claim's case as its step functions share it (the procedure below). */
interface ClaimCase {
  input: BenefitClaimInput;
  caseNumber: string;
  agencyCode: string;
  tasks: TaskBoard;
  life: CaseLife<ClaimStatus>;
  /** What the case brings to its verdict (Art. 35, 37, 38, 41), recorded with each determination version. */
  inputs: ClaimInputs;
  materials: Materials;
  /** Art. 13: corrections objections concluded, for this case to carry out. */
  objections: ReturnType<typeof createObjectionWindow>;
  /** Art. 43: recoveries asked for by whoever stopped the period, started in the payment phase (approve). */
  recoveriesAsked: RecoveryInput[];
  /** Art. 28, 38: record corrections approved, to determine the claim again from (while it pays). */
  recordCorrections: ContributionsCorrected[];
  /** `backPaidBy`: the back payments (BJF-…) that signalled; `backPaidSeen`: the latest was looked at already.
   * `paying`: the determination version the period pays (set at approval, changed by each correction). */
  state: {
    waivedBy?: string;
    arrearsMonths: string[];
    reopenings: number;
    backPaidBy: string[];
    backPaidSeen?: boolean;
    paying?: number;
  };
}

/**
 * Art. 11, 13, 37: refused with every reason and its article, and the remedies with their last days (from today,
 * the day the notice goes out). `stage`: by the verdict on the shared data (不予受理), or by a person (审核不通过).
 */
async function refuse(
  c: ClaimCase,

  reasons: Reason[],
  by: { stage: 'acceptance' | 'review'; actor?: string; determinationVersion?: number },
) {
  const { objections } = c;
  const { moveTo, tell } = c.life;
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
    c.state.reopenings ? `claim_refused.${c.state.reopenings}` : 'claim_refused',
  );
  return 'refused' as const;
}

/** The verdict now (Art. 34-38, 41): a version with its facts, inputs and explanation, recorded on the case. */
async function determine(c: ClaimCase, reason: DeterminationReason, createdBy: string, manualCorrection = false) {
  const { caseNumber, inputs } = c;
  const { note } = c.life;
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
async function sourceUnreadable(c: ClaimCase, error: string, round: number): Promise<ClaimStatus | null> {
  const { agencyCode, tasks } = c;
  const { note } = c.life;
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
      c,
      check.decision.reasons.map((r) => ({ message: r, article: 'Art. 37' })),
      { stage: 'acceptance', actor: check.by.username },
    );
  }
  return null;
}

/** Art. 37 一次性告知: every missing material in one notice, with the deadline; false if they do not come. */
async function askMaterials(
  c: ClaimCase,
  q: Extract<OpenQuestion, { kind: 'materials' }>,
  round: number,
): Promise<boolean> {
  const { materials } = c;
  const { moveTo, tell } = c.life;
  const complete = await materials.ask({
    materials: q.materials,
    round,
    notify: (dueDate, missing) =>
      tell(
        'materials_requested',
        { materials: q.materials.filter((m) => missing.includes(m.kind)).map((m) => m.label), dueDate },
        `materials.${round}`,
      ),
  });
  if (!complete) {
    await tell('materials_not_supplied', {});
    return false;
  }
  // The person who supplied the last of them (an intake clerk, or `applicant`), not the system (Art. 37, 78).
  await moveTo('awaiting_acceptance', `materials_supplied_${round}`, undefined, materials.suppliedBy);
  return true;
}

/** Art. 41: told once; then wait a day for the back payment (seen in the tax data) or the signed waiver. */
async function awaitArrears(c: ClaimCase, q: Extract<OpenQuestion, { kind: 'arrears' }>) {
  const { inputs } = c;
  const { moveTo, note, tell } = c.life;
  c.state.arrearsMonths = q.months;
  if (c.life.status !== 'awaiting_arrears') {
    await tell('arrears_notice', { months: c.state.arrearsMonths.length }, 'arrears');
    await moveTo('awaiting_arrears', 'arrears_notified', { months: c.state.arrearsMonths });
  }
  const waived = () => c.state.arrearsMonths.every((m) => inputs.waivedMonths.includes(m));
  const backPaid = () => c.state.backPaidBy.length > 0 && c.state.backPaidSeen === false;
  await condition(() => waived() || backPaid(), ARREARS_RECHECK);
  if (waived())
    await note(`arrears_waived_${inputs.waivedMonths.length}`, { months: [...inputs.waivedMonths] }, c.state.waivedBy);
  else if (backPaid()) {
    // Art. 26, 41: the back payment was posted to the original months; the next determination reads them.
    c.state.backPaidSeen = true;
    await note(`arrears_back_paid_${c.state.backPaidBy.length}`, { backPaymentCaseNumber: c.state.backPaidBy.at(-1) });
  }
}

/**
 * Art. 38 para 3: the shared data leaves the separation reason open. A reviewer rules on it with the declaration,
 * the record and the conflicts in front of them; the ruling becomes an input of the next determination.
 */
async function ruleOnSeparation(c: ClaimCase): Promise<void> {
  const { agencyCode, tasks, inputs } = c;
  const { moveTo } = c.life;
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
async function settle(
  c: ClaimCase,
  first: DeterminationReason = 'initial',
): Promise<EligibleDetermination | ClaimStatus> {
  const { inputs } = c;
  for (let round = 1; ; round++) {
    let d: Determination;
    try {
      d = await determine(c, round === 1 ? first : inputs.rulings.length ? 'ruling' : 'recheck', 'system');
    } catch (err) {
      const unreadable = unreadableSource(err);
      if (!unreadable) throw err;
      const ended = await sourceUnreadable(c, unreadable, round);
      if (ended) return ended;
      continue;
    }
    if (d.verdict === 'eligible') return d;
    if (d.verdict === 'ineligible') {
      return refuse(c, d.reasons, {
        stage: inputs.rulings.length ? 'review' : 'acceptance',
        determinationVersion: d.version,
      });
    }
    const q = d.open[0];
    if (q.kind === 'materials') {
      if (!(await askMaterials(c, q, round))) return c.life.status;
    } else if (q.kind === 'separation_reason') {
      await ruleOnSeparation(c);
    } else {
      await awaitArrears(c, q);
    }
  }
}

/**
 * Step 5: the review route the verdict chose (Art. 11, 28, 65). A correction (Art. 38 para 2) is determined again
 * and reviewed on three levels; its verdict decides as any other. Returns the eligible determination approved.
 */
async function review(
  c: ClaimCase,
  d: EligibleDetermination,
  accepter?: string,
): Promise<EligibleDetermination | ClaimStatus> {
  const { agencyCode, tasks, inputs } = c;
  const { moveTo } = c.life;
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
          c,
          f.reasons.map((m) => ({ message: m, article: 'Art. 38' })),
          { stage: 'review', actor: r.by.username, determinationVersion: d.version },
        );
      }
      if (f.decision === 'correct') {
        // Art. 38 para 2: determined again with the corrected information, then reviewed on three levels.
        if (f.corrections.deemedContributionMonths !== undefined)
          inputs.deemedContributionMonths = f.corrections.deemedContributionMonths;
        corrected = await determine(c, 'correction', r.by.username, true);
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
      return refuse(c, corrected.reasons, { stage: 'review', determinationVersion: corrected.version });
    }
    if (corrected.verdict === 'pending') {
      // A correction never opens a question the first verdict had settled; if it does, a person looks again.
      const ended = await settle(c);
      if (typeof ended === 'string') return ended;
      corrected = ended;
    }
    d = corrected;
  }
}

/** Step 6, Art. 38-40: only an eligible determination approves; the period pays that version's figures. */
async function approve(c: ClaimCase, d: EligibleDetermination): Promise<ClaimStatus> {
  const { caseNumber, agencyCode, objections } = c;
  const { tell, finish } = c.life;
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
  c.state.paying = d.version;
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
        () =>
          objections.pending() > 0 ||
          c.recordCorrections.length > 0 ||
          c.recoveriesAsked.length > 0 ||
          (periodEnded && openRecoveries === 0),
      );
      if (objections.pending()) {
        await correctWhilePaying(c, objections.take()!, period);
        continue;
      }
      const corrected = c.recordCorrections.shift();
      if (corrected) {
        if (!periodEnded) await redetermineOnRecordCorrection(c, corrected, period);
        continue;
      }
      const asked = c.recoveriesAsked.shift();
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
  c: ClaimCase,

  k: CorrectionToCarryOut,
  period: ChildWorkflowHandle<typeof benefitPeriod>,
): Promise<void> {
  const { inputs, objections } = c;
  const { note } = c.life;
  const record = (applied: AppliedCorrection) => objections.recordApplied(k, applied);
  if (k.correction.kind !== 'contribution_record') {
    return record({ kind: 'not_applied', note: 'the claim was approved: there is no refusal to reopen' });
  }
  inputs.deemedContributionMonths = k.correction.deemedContributionMonths;
  const d = await determine(c, 'objection', k.by.username);
  if (d.verdict !== 'eligible') {
    return record({
      kind: 'not_applied',
      determinationVersion: d.version,
      note: `the corrected determination is ${d.verdict}`,
    });
  }
  const f = await payRedetermined(c, d, period, `复核 ${k.objectionNumber}`, k.by.username);
  await note(`claim_redetermined_${d.version}`, {
    objectionNumber: k.objectionNumber,
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

/** Art. 38: the period pays a determination made again while it runs (its months, end date and amount). */
async function payRedetermined(
  c: ClaimCase,
  d: EligibleDetermination,
  period: ChildWorkflowHandle<typeof benefitPeriod>,
  reason: string,
  by: string,
): Promise<EligibleDetermination['figures']> {
  const f = d.figures;
  c.state.paying = d.version;
  await period.signal(changeEntitlement, {
    version: d.version,
    months: f.months,
    endDate: f.endDate,
    monthlyAmountFen: f.monthlyAmountFen,
    reason,
    by,
  });
  return f;
}

/**
 * Art. 28, 38: the person's contribution record was corrected (three levels, workflows/record-correction.ts): the
 * claim is determined again from the corrected record. A new version (with its explanation) that stays eligible
 * changes what the period pays (months, end date, amount) and the person is told by SMS; the same facts make no new
 * version and change nothing; a verdict no longer eligible is noted for a person to act on (Art. 42, 43).
 */
async function redetermineOnRecordCorrection(
  c: ClaimCase,
  k: ContributionsCorrected,
  period: ChildWorkflowHandle<typeof benefitPeriod>,
): Promise<void> {
  const { note, tell } = c.life;
  const d = await determine(c, 'record_correction', k.by.username);
  if (d.version === c.state.paying) {
    await note(`claim_redetermination_unchanged_${d.version}`, {
      correctionNumber: k.correctionNumber,
      determinationVersion: d.version,
      article: 'Art. 38',
    });
    return;
  }
  if (d.verdict !== 'eligible') {
    await note(`claim_redetermined_${d.version}`, {
      correctionNumber: k.correctionNumber,
      determinationVersion: d.version,
      verdict: d.verdict,
      applied: false,
      article: 'Art. 38',
    });
    return;
  }
  const f = await payRedetermined(c, d, period, `缴费记录修改 ${k.correctionNumber}`, k.by.username);
  await note(`claim_redetermined_${d.version}`, {
    correctionNumber: k.correctionNumber,
    determinationVersion: d.version,
    determination: f,
    article: 'Art. 28, 38',
  });
  await tell(
    'claim_redetermined',
    {
      correctionNumber: k.correctionNumber,
      contributionMonths: f.contributionMonths,
      months: f.months,
      monthlyAmountFen: f.monthlyAmountFen,
      endDate: f.endDate,
    },
    `redetermined.${d.version}`,
  );
}

/**
 * Art. 13: a refused claim waits, until the last day to sue, for an objection that finds the refusal wrong: the case
 * is then reopened under the facts the conclusion found. Null: the time for objections passed.
 */
async function awaitReopening(c: ClaimCase): Promise<CorrectionToCarryOut | null> {
  const { inputs, objections } = c;
  const { moveTo } = c.life;
  const k = await objections.awaitCorrection();
  if (!k) return null;
  if (k.correction.kind === 'reopen' && k.correction.separation) {
    // The conclusion decided the separation (Art. 38 para 3; the record prevails unless a person decides).
    inputs.rulings.push({
      fact: 'separation_reason',
      involuntary: k.correction.separation.involuntary,
      basis: k.correction.separation.basis,
      by: k.by.username,
      at: k.at,
      note: `复核 ${k.objectionNumber}`,
    });
  }
  if (k.correction.kind === 'contribution_record') {
    inputs.deemedContributionMonths = k.correction.deemedContributionMonths;
  }
  c.state.reopenings += 1;
  const step = k.correction.kind === 'reopen' ? k.correction.step : 'determination';
  // Reopened on the conclusion of whoever concluded the objection.
  await moveTo(
    'awaiting_acceptance',
    `claim_reopened_${c.state.reopenings}`,
    { objectionNumber: k.objectionNumber, step, correction: k.correction, article: 'Art. 13' },
    k.by.username,
  );
  await objections.recordApplied(k, { kind: 'reopened', step });
  return k;
}

/**
 * Steps 2-6: the verdict settled, the window acceptance, the review route, the approval. A reopened case (Art. 13)
 * starts again from its verdict, the intake clerk's acceptance only when the conclusion names it.
 */
async function decide(c: ClaimCase, reopened: CorrectionToCarryOut | null): Promise<ClaimStatus> {
  const { agencyCode, tasks, input } = c;
  const { moveTo } = c.life;
  // 2-3. Art. 34-38, 41: one verdict, settled.
  const settled = await settle(c, reopened ? 'objection' : 'initial');
  if (typeof settled === 'string') return settled;
  if (c.life.status !== 'awaiting_acceptance')
    await moveTo('awaiting_acceptance', `acceptance_resumed_${c.state.reopenings}`);

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
        c,
        acceptance.decision.reasons.map((r) => ({ message: r, article: 'Art. 37' })),
        { stage: 'acceptance', actor: acceptance.by.username },
      );
    }
    accepter = acceptance.by.username;
  }

  // 5. Art. 11, 28, 65: review by risk.
  const reviewed = await review(c, settled, accepter);
  if (typeof reviewed === 'string') return reviewed;

  // 6. Art. 38-40: approved on the eligible verdict.
  return approve(c, reviewed);
}
