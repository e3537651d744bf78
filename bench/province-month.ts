/**
 * Measure 2, the province's month (issue 24): all 14 cities' monthly comparison (Art. 42) and payment run (Art. 39, 44,
 * 62, 63) at once, as each city's payment cycle runs them (`monthlyCheck` on the 1st, `paymentRun` on the pay day, one
 * of each per city), against the physical limit of this design: a plain script that makes the same statements and the
 * same requests to the bank and medical insurance simulators — it calls the very activity functions the workflows
 * schedule, in the same lanes and batch sizes, with no workflow engine (`MockActivityEnvironment` only gives them
 * their Context for heartbeats) — on twin cities of the same size in the same database, in the same run.
 *
 * Every beneficiary-month is checked to be paid exactly once: in the ledger (one paid benefit and one paid premium
 * per period, no second attempt) and at the simulators (each benefit's payment ID paid by the bank, no account paid
 * twice; each premium received by the medical insurance agency).
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Activities } from '../activities';
import { mapLimited } from '../domain/concurrency';
import { BATCHES_IN_FLIGHT, CHECK_BATCHES_IN_FLIGHT } from '../workflows/payments';
import { accountsWithOutcome } from '../test/support/payments';
import type { createSourceClients } from '../integrations/config';

/** The 14 city agencies of Liaoning (migration 20261127000100_liaoning_agencies). */
export const CITIES = Array.from({ length: 14 }, (_, i) => `21${String(i + 1).padStart(2, '0')}00`);
/**
 * Their twins in the bench database (210199…211499: a city's first four digits, so its policy, e.g. the medical
 * premium of the city, is the city's), where the plain script does the same month.
 */
const twinOf = (city: string) => `${city.slice(0, 4)}99`;

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export interface ProvinceMonthDeps {
  sql: pg.Pool;
  temporal: Client;
  taskQueue: string;
  /** The project's activities, in this process: what the plain script calls. */
  activities: Activities;
  medical: Pick<ReturnType<typeof createSourceClients>['medical'], 'enrol'>;
  simUrl: string;
  /** Beneficiaries in the whole province (each side). */
  beneficiaries: number;
  /** The worker process, whose resident memory is sampled. */
  workerPid: number;
  progress: (done: number, total: number, task: string) => void;
}

/** Resident memory of a process in bytes (VmRSS, or VmHWM: its peak since it started). */
export function processMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Art. 38: an approved claim stands on an eligible determination: version 1, eligible, for each seeded claim, from
 * `today` for 12 months.
 */
export async function seedEligibleDeterminations(sql: pg.Pool, cases: string[], today: string): Promise<void> {
  await sql.query(
    `INSERT INTO determination (case_number, version, reason, determined_on, verdict, contribution_months, months,
       monthly_amount_fen, total_fen, start_date, end_date, self_declared, waived_months, review_route, inputs,
       explanation, created_at, created_by)
     SELECT c, 1, 'initial', $2::date, 'eligible', 36, 12, 189550, 12 * 189550, $2::date,
            ($2::date + interval '12 months' - interval '1 day')::date, false, '{}',
            '{"steps": [], "rule": {"code": "automatic", "text": "基准测试数据", "article": "Art. 11", "parameters": []}}',
            jsonb_build_object('applicationDate', $2::text, 'suppliedMaterials', '[]'::jsonb, 'waivedMonths', '[]'::jsonb,
                               'rulings', '[]'::jsonb),
            '[]', now(), 'bench'
       FROM unnest($1::text[]) AS c
     ON CONFLICT DO NOTHING`,
    [cases, today],
  );
}

interface Side {
  agencies: string[];
  cases: string[];
  accounts: string[];
}

/** One side's beneficiaries: per city an even share, case numbers and bank accounts of their own. */
function sideOf(agencies: string[], total: number, tag: string, accountsFrom: string[]): Side {
  const cases: string[] = [];
  const agencyOf: string[] = [];
  agencies.forEach((a, k) => {
    const n = Math.floor(total / agencies.length) + (k < total % agencies.length ? 1 : 0);
    for (let i = 0; i < n; i++) {
      cases.push(`SYJ-2026-${a}-${tag}${String(i).padStart(6, '0')}`);
      agencyOf.push(a);
    }
  });
  return { agencies: agencyOf, cases, accounts: accountsFrom };
}

export async function benchProvinceMonth(d: ProvinceMonthDeps) {
  const { sql, temporal, taskQueue } = d;
  const m = d.beneficiaries;
  const SAMPLE = Math.min(20, Math.floor(m / CITIES.length));
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [y, mo] = today.split('-').map(Number) as [number, number];
  // The periods begin today (Shanghai); the month measured is the next, the first the cities check.
  const month = new Date(Date.UTC(y, mo, 1)).toISOString().slice(0, 7);
  const endDate = new Date(Date.UTC(y, mo - 1 + 12, 0)).toISOString().slice(0, 10);

  const people = (
    (await (
      await fetch(`${d.simUrl}/admin/persons?limit=1000&filter=eligible,!deceased,!pensioner,!reemployed,!employed`)
    ).json()) as { items: { idNumber: string; name: string; mobile: string }[] }
  ).items;
  const allAccounts = accountsWithOutcome('paid', 2 * m);
  const engine = sideOf(CITIES, m, 'PRV', allAccounts.slice(0, m));
  const plain = sideOf(CITIES.map(twinOf), m, 'PLN', allAccounts.slice(m));
  const totalSteps = 2 * m;
  d.progress(0, totalSteps, `province month: seeding ${2 * m} beneficiaries`);

  // The twin cities: agencies of the bench database only, city level, as the activities require (Art. 39).
  await sql.query(
    `INSERT INTO agency (code, name, level, parent_code)
     SELECT substr(code, 1, 4) || '99', '对照' || name, 'city', parent_code FROM agency WHERE code = ANY($1)
     ON CONFLICT DO NOTHING`,
    [CITIES],
  );
  const CHUNK = 50_000;
  for (const side of [engine, plain]) {
    for (let from = 0; from < side.cases.length; from += CHUNK) {
      const cases = side.cases.slice(from, from + CHUNK);
      const agencies = side.agencies.slice(from, from + CHUNK);
      const person = (i: number) => people[(from + i) % people.length]!;
      await seedEligibleDeterminations(sql, cases, today);
      await sql.query(
        `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
         SELECT c, 'benefit_claim', 'approved', a, c, now(), now() FROM unnest($1::text[], $2::text[]) AS t(c, a)`,
        [cases, agencies],
      );
      await sql.query(
        `INSERT INTO benefit_claim (case_number, channel, id_type, id_number, name, phone, employer_uscc, employer_name,
           separation_date, separation_reason, paying_locality_basis, payment_method, account_number, submitted_at)
         SELECT c, 'online', 'resident_id_card', i, n, ph, '91210100MA0XYP12AD', '某公司', '2026-06-30', 'contract_expired',
                'last_insured', 'social_security_card', a, now()
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(c, a, i, n, ph)`,
        [
          cases,
          side.accounts.slice(from, from + CHUNK),
          cases.map((_, i) => person(i).idNumber),
          cases.map((_, i) => person(i).name),
          cases.map((_, i) => person(i).mobile),
        ],
      );
    }
  }
  // The sample: real benefit periods of the first city, begun (opening, medical insurance, their first month checked
  // and queued by themselves); their histories must not grow while the cities pay the next month.
  const sampleCases = engine.cases.slice(0, SAMPLE);
  const periodArgs = (caseNumber: string, agencyCode: string) => ({
    periodId: `${caseNumber}.P`,
    caseNumber,
    agencyCode,
    startDate: today,
    endDate,
    months: 12,
    monthlyAmountFen: 189_550,
    determinationVersion: 1,
  });
  await mapLimited(sampleCases, 10, (c) =>
    temporal.workflow.start('benefitPeriod', {
      taskQueue,
      workflowId: `${c}.P`,
      args: [periodArgs(c, engine.agencies[0]!)],
    }),
  );
  for (;;) {
    const r = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM payable WHERE case_number = ANY($1) AND kind = 'medical_premium'`,
      [sampleCases],
    );
    if (r.rows[0]!.n >= SAMPLE) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const sampleEvents = async () =>
    Promise.all(
      sampleCases.map(async (c) => (await temporal.workflow.getHandle(`${c}.P`).fetchHistory()).events?.length ?? 0),
    );
  // The others: their rows as a begun period leaves them, in the city's comparison, and their people in the
  // beneficiaries' medical insurance from today (Art. 44), as their openings would have left them.
  await mapLimited(people.slice(0, Math.min(people.length, m)), 10, (p) =>
    d.medical.enrol({
      idNumber: p.idNumber,
      name: p.name,
      agencyDivisionCode: CITIES[0]!,
      startDate: today,
      expectedEndDate: endDate,
    }),
  );
  for (const side of [engine, plain]) {
    const skip = side === engine ? SAMPLE : 0;
    for (let from = skip; from < side.cases.length; from += CHUNK) {
      await sql.query(
        `INSERT INTO benefit_period (id, case_number, agency_code, status, start_date, end_date, months,
           monthly_amount_fen, monthly_check, determination_version, created_at, updated_at)
         SELECT c || '.P', c, a, 'active', $3::date, $4::date, 12, 189550, 'city', 1, now(), now()
           FROM unnest($1::text[], $2::text[]) AS t(c, a)`,
        [side.cases.slice(from, from + CHUNK), side.agencies.slice(from, from + CHUNK), today, endDate],
      );
    }
  }
  for (const t of ['"case"', 'determination', 'benefit_claim', 'benefit_period', 'payable']) {
    await sql.query(`VACUUM ANALYZE ${t}`);
  }
  const eventsBefore = await sampleEvents();

  const queuedOf = async (side: Side) =>
    (
      await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM payable WHERE agency_code = ANY($1) AND month = $2 AND status = 'paid'`,
        [[...new Set(side.agencies)], month],
      )
    ).rows[0]!.n;
  /** Runs `work` with the progress of a side shown every 2 seconds, and always stops showing it. */
  const watching = async <T>(side: Side, offset: number, task: string, work: () => Promise<T>): Promise<T> => {
    const timer = setInterval(() => {
      queuedOf(side)
        .then((n) => d.progress(offset + Math.min(m, Math.floor(n / 2)), totalSteps, task))
        .catch(() => undefined);
    }, 2_000);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  };
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const t = Date.now();
    const out = await work();
    return [out, (Date.now() - t) / 1000];
  };

  // The plain script first: the same month of the twin cities, every city at once, in the workflows' lanes.
  const at = () => new Date().toISOString();
  // An activity's call, retried as the workflows' retry policies retry it (1 s, doubling), so a source that is slow
  // under the load costs the plain script what it costs the engine.
  const act = async <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await new MockActivityEnvironment().run(fn, ...args);
      } catch (err) {
        if (attempt >= 10 || (err as { nonRetryable?: boolean }).nonRetryable) throw err;
        plainRetries += 1;
        await new Promise((r) => setTimeout(r, 1_000 * 2 ** (attempt - 1)));
      }
    }
  };
  const a = d.activities;
  let plainRetries = 0;
  const [[plainChecks, plainCheckSeconds], [, plainRunSeconds]] = await watching(
    plain,
    0,
    'province month: plain script',
    async () =>
      [
        await timed(() =>
          Promise.all(
            CITIES.map(twinOf).map(async (agencyCode) => {
              const plan = await act(a.planMonthlyCheck, { agencyCode, month });
              const outcomes = await mapLimited(plan.ranges, CHECK_BATCHES_IN_FLIGHT, (r) =>
                act(a.checkMonthBatch, { ...r, agencyCode, month, at: at() }),
              );
              return outcomes.reduce((n, o) => n + o.queued, 0);
            }),
          ),
        ),
        await timed(() =>
          Promise.all(
            CITIES.map(twinOf).map(async (agencyCode) => {
              const runId = `plain-run-${agencyCode}-${month}`;
              const claim = await act(a.claimPaymentRun, { runId, agencyCode, month, at: at() });
              const batches = Array.from({ length: claim.batches }, (_, i) => i + 1);
              await mapLimited(batches, BATCHES_IN_FLIGHT, (batch) =>
                act(a.sendPaymentBatch, { runId, batch, at: at() }),
              );
              await act(a.completePaymentRun, { runId, at: at() });
              await act(a.settleCityRun, { runId, at: at() });
            }),
          ),
        ),
      ] as const,
  );

  // The engine: each city's monthlyCheck and paymentRun, as its payment cycle starts them, all 14 at once.
  let peakRss = processMemory(d.workerPid, 'VmRSS');
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, processMemory(d.workerPid, 'VmRSS'))), 200);
  const [[checks, checkSeconds], [runs, runSeconds]] = await watching(
    engine,
    m,
    'province month: the cities’ workflows',
    async () =>
      [
        await timed(
          () =>
            Promise.all(
              CITIES.map((agencyCode) =>
                temporal.workflow.execute('monthlyCheck', {
                  taskQueue,
                  workflowId: `monthly-check-${agencyCode}-${month}-bench`,
                  args: [{ agencyCode, month }],
                }),
              ),
            ) as Promise<{ checked: number; queued: number; stops: number; unreadable: number }[]>,
        ),
        await timed(
          () =>
            Promise.all(
              CITIES.map((agencyCode) =>
                temporal.workflow.execute('paymentRun', {
                  taskQueue,
                  workflowId: `payment-run-${agencyCode}-${month}-bench`,
                  args: [{ agencyCode, month }],
                }),
              ),
            ) as Promise<{ items: number; paid: number; failed: number }[]>,
        ),
      ] as const,
  ).finally(() => clearInterval(sampler));
  d.progress(totalSteps, totalSteps, 'province month: checking the ledgers');
  const eventsAfter = await sampleEvents();

  // Exactly once: the ledger and the simulators, for each side.
  const exactlyOnce = async (side: Side) => {
    const agencies = [...new Set(side.agencies)];
    const ledger = (
      await sql.query<{ periods: number; once: number; more: number; benefits: string[]; premiums: string[] }>(
        `SELECT count(*)::int AS periods,
                count(*) FILTER (WHERE b = 1 AND p = 1 AND n = 2)::int AS once,
                count(*) FILTER (WHERE b > 1 OR p > 1 OR n > 2)::int AS more,
                array_agg(bid) FILTER (WHERE bid IS NOT NULL) AS benefits,
                array_agg(pid) FILTER (WHERE pid IS NOT NULL) AS premiums
           FROM (SELECT period_id,
                        count(*) FILTER (WHERE kind = 'unemployment_benefit' AND status = 'paid') AS b,
                        count(*) FILTER (WHERE kind = 'medical_premium' AND status = 'paid') AS p,
                        count(*) AS n,
                        max(payment_id) FILTER (WHERE kind = 'unemployment_benefit' AND status = 'paid') AS bid,
                        max(payment_id) FILTER (WHERE kind = 'medical_premium' AND status = 'paid') AS pid
                   FROM payable WHERE agency_code = ANY($1) AND month = $2 GROUP BY period_id) t`,
        [agencies, month],
      )
    ).rows[0]!;
    // Payments of the side's earlier months (the sample periods' first month, paid with this one) are not this month's.
    const earlier = new Set(
      (
        await sql.query<{ id: string }>(
          `SELECT payment_id AS id FROM payable WHERE agency_code = ANY($1) AND month <> $2`,
          [agencies, month],
        )
      ).rows.map((r) => r.id),
    );
    const accounts = new Set(side.accounts);
    const paidTo = new Map<string, number>();
    for (const e of bankLedger.values()) {
      if (e.result === 'paid' && accounts.has(e.payeeAccount) && !earlier.has(e.paymentId)) {
        paidTo.set(e.payeeAccount, (paidTo.get(e.payeeAccount) ?? 0) + 1);
      }
    }
    const bankPaid = (ledger.benefits ?? []).filter((id) => bankLedger.get(id)?.result === 'paid').length;
    const premiumsReceived = (ledger.premiums ?? []).filter((id) => premiums.has(id)).length;
    return {
      beneficiaries: side.cases.length,
      periodsInLedger: ledger.periods,
      paidOnce: ledger.once,
      paidMoreThanOnce: ledger.more,
      bankPaid,
      accountsPaid: paidTo.size,
      accountsPaidTwice: [...paidTo.values()].filter((n) => n > 1).length,
      premiumsReceived,
      every:
        ledger.periods === side.cases.length &&
        ledger.once === side.cases.length &&
        ledger.more === 0 &&
        bankPaid === side.cases.length &&
        paidTo.size === side.cases.length &&
        [...paidTo.values()].every((n) => n === 1) &&
        premiumsReceived === side.cases.length,
    };
  };
  // The simulators' ledgers, read once: the bank's payments and the medical insurance agency's premiums.
  const bankLedger = new Map(
    (
      (await (await fetch(`${d.simUrl}/admin/bank/ledger`)).json()) as {
        payments: { paymentId: string; payeeAccount: string; result: string }[];
      }
    ).payments.map((p) => [p.paymentId, p]),
  );
  const premiums = new Set(
    (
      (await (await fetch(`${d.simUrl}/admin/medical/ledger`)).json()) as { premiums: { paymentId: string }[] }
    ).premiums.map((p) => p.paymentId),
  );
  const engineOnce = await exactlyOnce(engine);
  const plainOnce = await exactlyOnce(plain);

  const histories = await Promise.all(
    CITIES.flatMap((c) => [`monthly-check-${c}-${month}-bench`, `payment-run-${c}-${month}-bench`]).map(
      async (id) => (await temporal.workflow.getHandle(id).fetchHistory()).events ?? [],
    ),
  );
  const events = histories.reduce((n, h) => n + h.length, 0);
  const activities = histories.reduce((n, h) => n + h.filter((e) => e.activityTaskScheduledEventAttributes).length, 0);
  const seconds = checkSeconds + runSeconds;
  const plainSeconds = plainCheckSeconds + plainRunSeconds;
  return {
    cities: CITIES.length,
    beneficiaries: m,
    month,
    items: runs.reduce((n, r) => n + r.items, 0),
    paid: runs.reduce((n, r) => n + r.paid, 0),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    checked: checks.reduce((n, c) => n + c.checked, 0),
    queued: checks.reduce((n, c) => n + c.queued, 0),
    plainQueued: plainChecks.reduce((n, q) => n + q, 0),
    plainRetries,
    stops: checks.reduce((n, c) => n + c.stops, 0),
    unreadable: checks.reduce((n, c) => n + c.unreadable, 0),
    seconds: { check: round(checkSeconds), run: round(runSeconds), total: round(seconds) },
    plainSeconds: { check: round(plainCheckSeconds), run: round(plainRunSeconds), total: round(plainSeconds) },
    beneficiaryMonthsPerSecond: round(m / seconds),
    plainBeneficiaryMonthsPerSecond: round(m / plainSeconds),
    ratio: round(plainSeconds / seconds, 2),
    exactlyOnce: engineOnce,
    plainExactlyOnce: plainOnce,
    workerPeakRssMiB: Math.round(peakRss / 2 ** 20),
    activities,
    historyEvents: events,
    largestHistory: Math.max(...histories.map((h) => h.length)),
    samplePeriodsWoken: eventsAfter.filter((n, i) => n !== eventsBefore[i]).length,
    target: 'ratio ≥ 0.7 against the plain script; ≤ 300 s and worker peak ≤ 2 GiB at 300,000 (--large)',
  };
}
