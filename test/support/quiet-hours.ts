/**
 * A QUIET_HOURS window ("HH:MM-HH:MM") on a zone's wall clock, placed relative to the present moment:
 * a test that starts the system with it knows whether now is quiet, whatever hour the machine's clock
 * reads and whatever its time zone. `fromMinutes` and `toMinutes` count from now (negative: ago).
 */
export function quietHoursWindow(timeZone: string, fromMinutes: number, toMinutes: number): string {
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const at = (minutes: number) => clock.format(new Date(Date.now() + minutes * 60_000));
  return `${at(fromMinutes)}-${at(toMinutes)}`;
}

/** Quiet hours that began an hour ago and end in three: the system starts in the middle of its night. */
export const nightNow = (timeZone: string) => quietHoursWindow(timeZone, -60, 180);

/** Quiet hours that begin in six hours: the system runs in its day for longer than any test takes. */
export const dayNow = (timeZone: string) => quietHoursWindow(timeZone, 360, 420);
