/**
 * The working-day calendar in force (Art. 13, 49-53, 61, 64): packaged years, years administrators add through the
 * API (audited), dates beyond the data refused, and workflows getting deadlines through an activity so that their
 * history records them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dayOfWeek, addDays } from '../../domain/calendar';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { eventually } from '../support/wait';
import { ensureCalendarSchedule } from '../../lib/calendar-schedule';
import { calendarYearCaseNumber } from '../../lib/calendar-year';

let tdb: TestDatabase;
let api: RunningApi;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let admin: Record<string, string>;
let clerk: Record<string, string>;
const taskQueue = uniqueTaskQueue('calendar');

beforeAll(async () => {
  tdb = await createTestDatabase();
  env = await devServerEnv();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue });
  admin = (await userWithToken(tdb.db, api.url, { username: 'admin', agencyCode: '210000', roles: ['administrator'] }))
    .headers;
  clerk = (await userWithToken(tdb.db, api.url, { username: 'clerk', agencyCode: '210100', roles: ['reviewer'] }))
    .headers;
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await tdb?.drop();
  await env?.teardown();
});

const get = async (path: string, headers = clerk) => {
  const res = await fetch(`${api.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

/** A plausible 2027 arrangement for the tests (the State Council had not published 2027 when this was written). */
function year2027() {
  const saturdays = Array.from({ length: 365 }, (_, i) => addDays('2027-01-01', i)).filter((d) => dayOfWeek(d) === 6);
  return {
    holidays: [
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
      '2027-10-01',
      '2027-10-04',
      '2027-10-05',
      '2027-10-06',
      '2027-10-07',
    ],
    adjustedWorkdays: [saturdays.find((d) => d > '2027-02-11')!, '2027-10-09'],
    source: '国务院办公厅关于2027年部分节假日安排的通知 (test data)',
    reason: 'State Council notice published',
  };
}

describe('the working-day calendar', () => {
  it('counts 5 workdays after 2024-09-27 to 2024-10-10, the timer firing at the end of that day in Shanghai (Art. 13)', async () => {
    const r = await get('/calendar/due-date?start=2024-09-27&amount=5&unit=workdays');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      start: '2024-09-27',
      amount: 5,
      unit: 'workdays',
      dueDate: '2024-10-10',
      dueInstant: '2024-10-10T16:00:00.000Z',
      provisional: false,
    });
  });

  it('answers the year after the last notice provisionally and refuses the one after it (422, never guessed)', async () => {
    const years = await get('/calendar/years');
    expect(years.body.years.filter((y: { year: number }) => y.year >= 2024)).toEqual([
      expect.objectContaining({ year: 2024, origin: 'package', provisional: false }),
      expect.objectContaining({ year: 2025, origin: 'package', provisional: false }),
      expect.objectContaining({ year: 2026, origin: 'package', provisional: false }),
      expect.objectContaining({ year: 2027, origin: 'provisional', provisional: true }),
    ]);
    // 10 workdays from Thu 2026-12-24: 25, 28-31 Dec, (1 Jan 元旦), 4-8 Jan.
    const r = await get('/calendar/due-date?start=2026-12-24&amount=10&unit=workdays');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dueDate: '2027-01-08', provisional: true });
    const y = await get('/calendar/years/2027');
    expect(y.body).toMatchObject({ origin: 'provisional', provisional: true, adjustedWorkdays: [] });
    expect(y.body.holidays).toEqual(expect.arrayContaining(['2027-01-01', '2027-02-05', '2027-10-01']));
    const refused = await get('/calendar/due-date?start=2027-12-24&amount=10&unit=workdays');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('calendar_not_covered');
    expect(refused.body.error.message).toContain('2028');
  });

  it('from 1 November the daily check opens next year’s case with a task for the administrators (Art. 94)', async () => {
    // The schedule of `npm start`, created here under its own ID; creating it runs the check once.
    const { scheduleId, created } = await ensureCalendarSchedule({
      client: env.client,
      taskQueue,
      scheduleId: `calendar-check-${taskQueue}`,
    });
    expect(created).toBe(true);
    try {
      const tasks = await eventually(
        () =>
          tdb.sql<{ role: string; agency_code: string; status: string; case_number: string }>(
            "SELECT role, agency_code, status, case_number FROM task WHERE type = 'calendar_year_notice'",
          ),
        (rows) => rows.length > 0,
        300,
      );
      expect(tasks).toEqual([
        { role: 'administrator', agency_code: '210000', status: 'open', case_number: calendarYearCaseNumber(2027) },
      ]);
      const status = await get('/calendar/status');
      expect(status.body).toMatchObject({ nextYear: 2027, nextYearState: 'provisional', warning: true });
      // Run again (the next day): the same case, no second task.
      await env.client.schedule.getHandle(scheduleId).trigger();
      await new Promise((r) => setTimeout(r, 3000));
      expect(await tdb.sql("SELECT 1 FROM task WHERE type = 'calendar_year_notice'")).toHaveLength(1);
    } finally {
      await env.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('refuses a calendar year from a non-administrator (403) and an invalid year naming the fields (400)', async () => {
    const put = (body: unknown, headers: Record<string, string>) =>
      fetch(`${api.url}/calendar/years/2027`, { method: 'PUT', headers, body: JSON.stringify(body) });
    expect((await put(year2027(), clerk)).status).toBe(403);
    const bad = await put(
      { ...year2027(), holidays: ['2026-12-31', '2027-02-30'], adjustedWorkdays: ['2027-03-03'] },
      admin,
    );
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as any).error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(['holidays.1']);
    const outside = await put({ ...year2027(), holidays: ['2026-12-31'] }, admin);
    expect(outside.status).toBe(422);
    expect(((await outside.json()) as any).error).toMatchObject({
      code: 'calendar_dates_inconsistent',
      fields: [{ path: 'holidays.0', message: '须在2027年内' }],
    });
    const weekday = await put({ ...year2027(), adjustedWorkdays: ['2027-03-03'] }, admin);
    expect(weekday.status).toBe(422);
    expect(((await weekday.json()) as any).error.fields).toEqual([
      { path: 'adjustedWorkdays.0', message: '调休上班日须为星期六或星期日' },
    ]);
    expect(await tdb.sql('SELECT 1 FROM calendar_year')).toEqual([]);
  });

  it('lets an administrator add 2027, audited with the reason; deadlines then run through it', async () => {
    const res = await fetch(`${api.url}/calendar/years/2027`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify(year2027()),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ origin: 'administrator', provisional: false, recomputation: 'started' });
    // Entering the notice is doing the administrators' task, by the administrator who entered it.
    const done = await eventually(
      () =>
        tdb.sql<{ status: string; completed_by_name: string }>(
          "SELECT status, completed_by_name FROM task WHERE type = 'calendar_year_notice'",
        ),
      (rows) => rows[0]?.status === 'completed',
      300,
    );
    expect(done).toEqual([{ status: 'completed', completed_by_name: 'admin' }]);
    expect((await get('/calendar/status')).body).toMatchObject({ nextYearState: 'entered', warning: false });
    const audit = await tdb.sql<{ action: string; actor_name: string; reason: string }>(
      "SELECT action, actor_name, reason FROM audit_log WHERE entity = 'calendar_year' AND entity_id = '2027'",
    );
    expect(audit).toEqual([
      { action: 'calendar_year_added', actor_name: 'admin', reason: 'State Council notice published' },
    ]);

    // 2026-12-31 (Thu) + 1 workday: 2027-01-01 is New Year's Day, so Monday 2027-01-04.
    const r = await get('/calendar/due-date?start=2026-12-31&amount=1&unit=workdays');
    expect(r.body.dueDate).toBe('2027-01-04');
    const years = await get('/calendar/years');
    expect(years.body.years.find((y: { year: number }) => y.year === 2027)).toMatchObject({ origin: 'administrator' });
  });

  it('records a correction with before and after', async () => {
    const corrected = { ...year2027(), holidays: [...year2027().holidays, '2027-10-08'], reason: 'notice corrected' };
    const res = await fetch(`${api.url}/calendar/years/2027`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify(corrected),
    });
    expect(res.status).toBe(200);
    const [row] = await tdb.sql<{ before: any; after: any }>(
      "SELECT before, after FROM audit_log WHERE action = 'calendar_year_corrected'",
    );
    expect(row!.before.holidays).not.toContain('2027-10-08');
    expect(row!.after.holidays).toContain('2027-10-08');
  });
});

describe('deadlines in workflows', () => {
  it('gives a workflow the Art. 13 review deadline through an activity, recorded in its history', async () => {
    const handle = await env.client.workflow.start('deadlineProbe', {
      taskQueue,
      workflowId: `deadline-${Date.now()}`,
      args: [{ key: 'art13.reviewConclusion', start: '2024-09-27' }],
    });
    const deadline = (await handle.result()) as any;
    expect(deadline).toMatchObject({
      key: 'art13.reviewConclusion',
      dueDate: '2024-10-10',
      dueInstant: '2024-10-10T16:00:00.000Z',
    });
    expect(deadline.parameter).toMatchObject({
      family: 'deadline',
      key: 'art13.reviewConclusion',
      confirmed: true,
      article: '第十三条',
    });
    const history = await handle.fetchHistory();
    const completed = history.events!.filter((e) => e.activityTaskCompletedEventAttributes);
    expect(completed).toHaveLength(1);
  });

  it('uses a year an administrator added, without restarting the worker', async () => {
    const handle = await env.client.workflow.start('dueDateProbe', {
      taskQueue,
      workflowId: `due-${Date.now()}`,
      args: [{ start: '2027-09-30', period: { amount: 1, unit: 'workdays' } }],
    });
    expect(await handle.result()).toEqual({
      dueDate: '2027-10-09',
      dueInstant: '2027-10-09T16:00:00.000Z',
      provisional: false,
    });
  });
});
