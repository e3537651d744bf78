/**
 * 工作日历 at the year's end (Art. 11, 13, 37, 94): next year's State Council notice is not entered yet. Administrators
 * are warned from 1 November (a task and a banner); due dates reaching into that year come from the provisional
 * calendar of the statutory holiday law and are shown as provisional instead of failing; entering the notice
 * recomputes the running timers, never making a person's told date earlier.
 *
 * The calendar here is a real system's (`seedFutureCalendar: false`): the packaged years, and what the scenario
 * enters. The scenario clock starts at the real time and only moves forward; the year-end used is the clock's year
 * (28 December of it); should another file have moved the clock past that day, the next year's is used, with the
 * years before it entered as test data, so that the year after it is the one without a notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, createCalendar, dayOfWeek, type CalendarYearData } from '../../domain/calendar';
import { calendarYearsFromChineseDays } from '../../domain/calendar-chinese-days';
import { calendarYearCaseNumber } from '../../lib/calendar-year';
import { shanghaiInstant } from '../../domain/business-time';
import { seedFutureCalendarYears } from '../support/calendar';
import { residentId } from '../support/fixtures';
import { eventually } from '../support/wait';
import { startScenario, type Scenario, type Staff } from './harness';

let s: Scenario;
/** The year whose 28 December the scenario runs on; `next` has no notice. */
let year: number;
let next: number;
let city: Staff;
let province: Staff;
const evidence = [{ kind: 'employer_certificate', title: '原单位出具的解除劳动合同证明', pages: 1 }];

/** The test notice the administrator enters for `next`: New Year's Day, and the first weekend day after it worked. */
function noticeOf(y: number): CalendarYearData {
  let worked = `${y}-01-02`;
  while (![0, 6].includes(dayOfWeek(worked))) worked = addDays(worked, 1);
  return { year: y, holidays: [`${y}-01-01`], adjustedWorkdays: [worked], source: `test notice for ${y}` };
}

beforeAll(async () => {
  s = await startScenario({ name: 'calendar', cities: [], seedFutureCalendar: false });
  const today = await s.today();
  year = Number(today.slice(0, 4)) + (today.slice(5) > '12-20' ? 1 : 0);
  next = year + 1;
  if (year > 2026) await seedFutureCalendarYears(s.tdb, range(2027, year));
  city = await s.staffOf('210100');
  province = await s.staffOf('210000');
});
afterAll(async () => {
  await s?.close();
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Open tasks of a user's worklist. */
async function worklist(who: { headers: Record<string, string> }): Promise<any[]> {
  const r = await s.call<{ items: any[] }>('GET', '/tasks?view=all&limit=100', { headers: who.headers });
  expect(r.status).toBe(200);
  return r.body.items;
}

/** A task row by ID, from the read model. */
async function taskRow(id: string) {
  const [row] = await s.tdb.sql<{ due_date: string; due_provisional: boolean; status: string; overdue: boolean }>(
    `SELECT to_char(due_date, 'YYYY-MM-DD') AS due_date, due_provisional, status, overdue_since IS NOT NULL AS overdue
       FROM task WHERE id = $1`,
    [id],
  );
  return row!;
}

let refusedClaim: string;
let objection: { caseNumber: string; dueDate: string; taskId: string };
let materialsClaim: { caseNumber: string; told: string; mobile: string };

describe('工作日历 at the year end (Art. 11, 13, 37, 94)', () => {
  it('Art. 94: from 1 November an administrator is warned that next year has no calendar: a task and the banner', async () => {
    // Still before 28 December: a claim that the automatic acceptance refuses, to object to later (Art. 13).
    const [person] = await s.people('voluntary_separation,!employed,!pensioner,!deceased,!reemployed', 1);
    const filed = await s.file(await s.claimFor(person!));
    expect(filed.status).toBe(201);
    refusedClaim = filed.body.caseNumber;
    await s.caseWhen(refusedClaim, (v) => v.status === 'refused');

    // From 1 November the daily calendar check (a Temporal Schedule in `npm start`) finds next year without its
    // notice and starts its calendar-year case (test/integration/calendar.test.ts runs the check itself). Here the case
    // is started as the check starts it: Temporal's time-skipping test server stops skipping time once a child whose
    // parent has closed is signalled (temporalio/sdk-java#1618), and this scenario must move the clock after the entry.
    await s.advanceTo(Math.max(await s.env.currentTimeMs(), shanghaiInstant(`${year}-11-01`, 7)));
    const todo = await s.call('GET', '/calendar/status', { headers: province.admin.headers });
    expect(todo.body).toMatchObject({ nextYear: next, warning: true });
    await s.env.client.workflow.start('calendarYear', {
      taskQueue: s.taskQueue,
      workflowId: calendarYearCaseNumber(next),
      args: [{ year: next, caseNumber: calendarYearCaseNumber(next) }],
    });
    const tasks = await eventually(
      () => worklist(province.admin),
      (ts) => ts.some((t) => t.type === 'calendar_year_notice'),
    );
    const task = tasks.find((t) => t.type === 'calendar_year_notice')!;
    expect(task.role).toBe('administrator');
    expect(task.caseNumber).toMatch(new RegExp(`^GZR-${next}-210000-`));
    // A clerk's worklist does not have it.
    expect((await worklist(city.reviewer)).some((t) => t.type === 'calendar_year_notice')).toBe(false);

    // The banner on the staff pages reads the calendar's status.
    const status = await s.call('GET', '/calendar/status', { headers: city.reviewer.headers });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ nextYear: next, nextYearState: 'provisional', warning: true });
    expect(status.body.message).toContain(`${next}`);
    expect(status.body.message).toContain('暂定');
    const page = await s.call('GET', '/app/layout.js'); // the staff pages' header (web/layout.js)
    expect(String(page.body)).toContain('/calendar/status');
  });

  it(`Art. 13: an objection filed on 28 December gets a provisional 5-workday due date instead of a refusal`, async () => {
    await s.advanceTo(shanghaiInstant(`${year}-12-28`, 10));
    city = await s.staffOf(refusedClaim.split('-')[2]!); // the agency that refused it reviews the objection
    const r = await s.call('POST', `/cases/${refusedClaim}/objections`, {
      headers: city.intake.headers,
      body: { subject: 'refusal', grounds: '本人系被单位解除劳动合同，并非本人意愿中断就业', evidence },
    });
    expect(r.status).toBe(201);
    expect(r.body.provisional).toBe(true);
    expect(r.body.dueDate.slice(0, 4)).toBe(String(next));
    if (year === 2026) expect(r.body.dueDate).toBe('2027-01-05'); // 29, 30, 31 Dec, (1 Jan 元旦), 4, 5 Jan
    const tasks = await eventually(
      () => worklist(city.reviewer),
      (ts) => ts.some((t) => t.caseNumber === r.body.caseNumber),
    );
    const task = tasks.find((t) => t.caseNumber === r.body.caseNumber)!;
    expect(task).toMatchObject({ dueDate: r.body.dueDate, dueProvisional: true });
    const view = await s.call('GET', `/objections/${r.body.caseNumber}`, { headers: city.reviewer.headers });
    expect(view.body).toMatchObject({ dueDate: r.body.dueDate, dueProvisional: true });
    objection = { caseNumber: r.body.caseNumber, dueDate: r.body.dueDate, taskId: task.id };
  });

  it('Art. 37: materials asked on 28 December get a provisional 10-workday date, told to the person by SMS', async () => {
    const [person] = await s.people('eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed', 1);
    // An ID number the household register does not know: the identity is to be verified at a window (Art. 35, 37).
    const claim = await s.claimFor(person!, (c) => ({
      ...c,
      applicant: { ...c.applicant, idNumber: residentId('210102', '19800101', '917') },
    }));
    const filed = await s.file(claim);
    expect(filed.status).toBe(201);
    const caseNumber = filed.body.caseNumber as string;
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_materials', 100);
    expect(view.status).toBe('awaiting_materials');
    const asked = view.events.find((e: any) => e.type.startsWith('materials_requested'));
    expect(asked.data.provisional).toBe(true);
    const told = asked.data.dueDate as string;
    expect(told.slice(0, 4)).toBe(String(next));
    if (year === 2026) expect(told).toBe('2027-01-12'); // 29-31 Dec, 4-8 Jan, 11, 12 Jan
    const sms = await eventually(
      () => s.smsTo(claim.applicant.phone),
      (m) => m.some((x) => x.text.includes(told)),
    );
    expect(sms.some((x) => x.text.includes(told))).toBe(true);
    materialsClaim = { caseNumber, told, mobile: claim.applicant.phone };
  });

  it(`Art. 11, 13, 37, 94: entering the notice moves the agency's due date and never a person's told date earlier`, async () => {
    const notice = noticeOf(next);
    const put = await s.call('PUT', `/calendar/years/${next}`, {
      headers: province.admin.headers,
      body: {
        holidays: notice.holidays,
        adjustedWorkdays: notice.adjustedWorkdays,
        source: notice.source,
        reason: '国务院办公厅通知已发布',
      },
    });
    expect(put.status).toBe(200);
    const entered = createCalendar([...calendarYearsFromChineseDays(), notice]);

    // The administrators' task is done by the entry.
    await eventually(
      () => worklist(province.admin),
      (ts) => !ts.some((t) => t.type === 'calendar_year_notice'),
    );
    const status = await s.call('GET', '/calendar/status', { headers: city.reviewer.headers });
    expect(status.body).toMatchObject({ nextYear: next, nextYearState: 'entered', warning: false });

    // The agency's task (复核, 5 workdays) follows the notice: here earlier, a weekend day being worked.
    const agencyDue = entered.addWorkdays(`${year}-12-28`, 5);
    expect(agencyDue < objection.dueDate).toBe(true);
    const row = await eventually(
      () => taskRow(objection.taskId),
      (t) => t.due_date === agencyDue,
    );
    expect(row).toMatchObject({ due_date: agencyDue, due_provisional: false });
    const o = await s.call('GET', `/objections/${objection.caseNumber}`, { headers: city.reviewer.headers });
    expect(o.body).toMatchObject({ dueDate: agencyDue, dueProvisional: false });
    const ov = await s.caseView(objection.caseNumber);
    expect(ov.events.some((e: any) => e.type === 'deadline_recomputed' && e.data.after === agencyDue)).toBe(true);

    // The person's date (materials, 10 workdays) would now be earlier: the date they were told stands.
    const personDue = entered.addWorkdays(`${year}-12-28`, 10);
    expect(personDue < materialsClaim.told).toBe(true);
    const cv = await s.caseWhen(materialsClaim.caseNumber, (v) =>
      v.events.some((e: any) => e.type === 'deadline_recomputed'),
    );
    const recomputed = cv.events.find((e: any) => e.type === 'deadline_recomputed');
    expect(recomputed.data).toMatchObject({ before: materialsClaim.told, after: materialsClaim.told, binds: 'person' });
    const audit = await s.tdb.sql<{ case_number: string }>(
      `SELECT case_number FROM audit_log WHERE action = 'deadline_recomputed' AND case_number = ANY($1)`,
      [[objection.caseNumber, materialsClaim.caseNumber]],
    );
    expect(new Set(audit.map((a) => a.case_number))).toEqual(
      new Set([objection.caseNumber, materialsClaim.caseNumber]),
    );

    // The timers: the agency's task is overdue the day after its new date; the person's case waits to the end of the
    // day they were told, then closes.
    await s.advanceTo(shanghaiInstant(addDays(personDue, 1), 10));
    expect((await taskRow(objection.taskId)).overdue).toBe(true);
    expect((await s.caseView(materialsClaim.caseNumber)).status).toBe('awaiting_materials');
    await s.advanceTo(shanghaiInstant(addDays(materialsClaim.told, 1), 10));
    const closed = await s.caseWhen(materialsClaim.caseNumber, (v) => v.status === 'closed');
    expect(closed.status).toBe('closed');
  });

  it('years beyond the provisional one are refused, not guessed', async () => {
    const r = await s.call('GET', `/calendar/due-date?start=${next + 1}-12-20&amount=10&unit=workdays`, {
      headers: city.reviewer.headers,
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('calendar_not_covered');
  });
});
