/**
 * Whether the working-day calendar needs an administrator (Art. 94): next year's State Council notice
 * (国务院办公厅关于部分节假日安排的通知) is published in the last months of the year; from 1 November, while it is not
 * entered, administrators are warned (a task of the calendar-year workflow and a banner on the staff pages), and so
 * they are while the current year itself runs on its provisional calendar. Pure.
 */
import type { IsoDate, WorkdayCalendar } from './calendar';

/** The day of the year (MM-DD) from which a missing notice for next year is warned of. */
export const CALENDAR_WARNING_FROM = '11-01';

/** entered: a notice (packaged or entered); provisional: from the holiday law; refused: no data, dates refused. */
export type CalendarYearState = 'entered' | 'provisional' | 'refused';

export interface CalendarStatus {
  today: IsoDate;
  year: number;
  yearState: CalendarYearState;
  nextYear: number;
  nextYearState: CalendarYearState;
  /** The first day next year's missing notice is warned of. */
  warnFrom: IsoDate;
  warning: boolean;
  /** For the staff pages' banner (Chinese), null when there is nothing to say. */
  message: string | null;
}

export function yearState(calendar: WorkdayCalendar, year: number): CalendarYearState {
  if (!calendar.covers(year)) return 'refused';
  return calendar.isProvisional(year) ? 'provisional' : 'entered';
}

export function calendarStatus(calendar: WorkdayCalendar, today: IsoDate): CalendarStatus {
  const year = Number(today.slice(0, 4));
  const nextYear = year + 1;
  const warnFrom = `${year}-${CALENDAR_WARNING_FROM}`;
  const state = yearState(calendar, year);
  const nextState = yearState(calendar, nextYear);
  const missing = [
    ...(state !== 'entered' ? [year] : []),
    ...(today >= warnFrom && nextState !== 'entered' ? [nextYear] : []),
  ];
  const message = missing.length
    ? `${missing.join('、')}年的国务院办公厅节假日安排通知尚未录入：涉及该年的办理时限按《全国年节及纪念日放假办法》` +
      `暂定（未含调休），录入通知后自动重新计算，已告知当事人的期限不会提前。请系统管理员在“工作日历”中录入。`
    : null;
  return {
    today,
    year,
    yearState: state,
    nextYear,
    nextYearState: nextState,
    warnFrom,
    warning: missing.length > 0,
    message,
  };
}
