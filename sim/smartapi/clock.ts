/** Time source the simulator reads for sessions, market hours and timestamps. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; lets tests walk through pre-open, open and close. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = at.getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export interface IstParts {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  /** 0 = Sunday, as Date#getUTCDay. */
  weekday: number;
  /** Minutes since IST midnight. */
  minuteOfDay: number;
  /** YYYY-MM-DD in IST. */
  dateKey: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Wall-clock fields in India Standard Time, whatever the process TZ is. */
export function istParts(at: Date): IstParts {
  const s = new Date(at.getTime() + IST_OFFSET_MS);
  const year = s.getUTCFullYear();
  const month = s.getUTCMonth() + 1;
  const day = s.getUTCDate();
  const hours = s.getUTCHours();
  const minutes = s.getUTCMinutes();
  return {
    year,
    month,
    day,
    hours,
    minutes,
    seconds: s.getUTCSeconds(),
    weekday: s.getUTCDay(),
    minuteOfDay: hours * 60 + minutes,
    dateKey: `${year}-${pad(month)}-${pad(day)}`,
  };
}

/** The UTC instant of an IST wall-clock time on the IST date of `at`. */
export function istTimeOn(at: Date, hours: number, minutes: number): Date {
  const { year, month, day } = istParts(at);
  return new Date(Date.UTC(year, month - 1, day, hours, minutes) - IST_OFFSET_MS);
}

/** SmartAPI sessions die at the next 00:00 IST. */
export function nextIstMidnight(at: Date): Date {
  return new Date(istTimeOn(at, 0, 0).getTime() + 24 * 60 * 60_000);
}

/** `dd-MMM-yyyy HH:mm:ss`, the order book's updatetime/exchtime format. */
export function formatIstDateTime(at: Date): string {
  const p = istParts(at);
  return `${pad(p.day)}-${MONTHS[p.month - 1]}-${p.year} ${formatIstTime(at)}`;
}

/** `HH:mm:ss`, the trade book's filltime format. */
export function formatIstTime(at: Date): string {
  const p = istParts(at);
  return `${pad(p.hours)}:${pad(p.minutes)}:${pad(p.seconds)}`;
}

/** YYMMDD, the prefix of a SmartAPI orderid. */
export function istYymmdd(at: Date): string {
  const p = istParts(at);
  return `${pad(p.year % 100)}${pad(p.month)}${pad(p.day)}`;
}
