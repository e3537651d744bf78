/** Business dates are Asia/Shanghai dates (the brief): the calendar date of an instant in China Standard Time. */
const SHANGHAI_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** 'YYYY-MM-DD' of `instant` in Asia/Shanghai. */
export function shanghaiDate(instant: Date): string {
  return SHANGHAI_DATE.format(instant);
}
