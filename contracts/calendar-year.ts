/**
 * The calendar year's case (Art. 94: the State Council's holiday notice entered by an administrator): its input, the
 * signal PUT /calendar/years/:year sends once the year is saved, and the workflow's type for a start by name.
 */
import { defineSignal } from '@temporalio/workflow';
import type { Actor } from '../domain/tasks';

/** The calendar is national: its case and its task belong to the province's administrators. */
export const CALENDAR_AGENCY = '210000';

export interface CalendarYearInput {
  year: number;
  caseNumber: string;
  /** Started by the entry itself (no case was running): the entry. */
  entry?: CalendarYearEntry;
}

export interface CalendarYearEntry {
  year: number;
  by: Actor;
  source: string;
  at: string;
}

/** Sent by PUT /calendar/years/:year once the year is saved (or the case is started with the entry). */
export const calendarYearEntered = defineSignal<[CalendarYearEntry]>('calendarYearEntered');

/** The calendar year's workflow as clients start it by name (`calendarYear`). */
export type CalendarYearWorkflow = (input: CalendarYearInput) => Promise<{ signalled: number }>;
