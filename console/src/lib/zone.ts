// Wall-clock times in the salon's IANA zone, and back: the calendar shows and takes the salon's wall
// clock, and the API wants instants with their offset. Daylight saving is the zone's own.
const parts = new Map<string, Intl.DateTimeFormat>();

function fmt(zone: string): Intl.DateTimeFormat {
  let f = parts.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    parts.set(zone, f);
  }
  return f;
}

/** "YYYY-MM-DDTHH:MM:SS" on the salon's wall clock at an instant. */
export function wall(instant: string | Date, zone: string): string {
  const p = Object.fromEntries(fmt(zone).formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** The zone's offset from UTC in minutes at an instant. */
export function offsetAt(zone: string, instant: Date): number {
  const w = wall(instant, zone);
  return Math.round((Date.parse(`${w}Z`) - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");
export const offsetText = (minutes: number) => `${minutes < 0 ? "-" : "+"}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;

/** The instant, as ISO with its offset, of a wall-clock time ("YYYY-MM-DDTHH:MM") in the zone. */
export function instantOf(wallTime: string, zone: string): string {
  const w = wallTime.length === 16 ? `${wallTime}:00` : wallTime.slice(0, 19);
  const asUtc = Date.parse(`${w}Z`);
  let offset = offsetAt(zone, new Date(asUtc));
  offset = offsetAt(zone, new Date(asUtc - offset * 60000));
  return `${w}${offsetText(offset)}`;
}

/** A Date whose own (browser-local) fields hold a wall-clock time, as the calendar library gives them. */
export function wallOfLocal(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:00`;
}

export const today = (zone: string, now: Date = new Date()) => wall(now, zone).slice(0, 10);

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the week a day is in. */
export function weekStart(day: string): string {
  const dow = (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const weekdayOf = (day: string) => WEEKDAYS[(new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7];
