/**
 * The configured time zone (configure({ timeZone })), in which date parts and truncations of datetimes are
 * taken, as Django's current time zone. Datetimes are stored in UTC; conversions to a zone's wall clock and
 * back use the platform's IANA data (Intl).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, found);
  }
  return found;
}

/**
 * The canonical name of an IANA time zone (`'utc'` → `'UTC'`), or null when it is none. Offsets (`'+02:00'`)
 * are refused: databases read their signs differently, and a zone name also carries daylight saving time.
 */
export function canonicalTimeZone(name: unknown): string | null {
  if (typeof name !== 'string' || !/^[A-Za-z]/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Milliseconds since the epoch of the wall-clock time `zone` shows at the instant `time`, read as if it were UTC. */
function wallClock(time: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(time))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!, ((time % 1000) + 1000) % 1000);
}

const WALL_CLOCK_TEXT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?/;

/** `'2011-01-01T01:30:00.000'`: the wall-clock time in `zone` of a stored UTC datetime (ISO text), or null. */
export function toWallClock(isoUtc: string, zone: string): string | null {
  const time = Date.parse(isoUtc);
  if (Number.isNaN(time)) return null;
  return new Date(wallClock(time, zone)).toISOString().slice(0, 23);
}

/**
 * The stored UTC form (`toISOString()`) of a wall-clock time in `zone` (`'YYYY-MM-DDTHH:MM:SS[.mmm]'`, any
 * suffix ignored). In a daylight-saving gap or overlap the offset in force just before it is used.
 */
export function fromWallClock(text: string, zone: string): string | null {
  const match = WALL_CLOCK_TEXT.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction = '0'] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0')));
  let time = wall - (wallClock(wall, zone) - wall);
  const offset = wallClock(time, zone) - time;
  time = wall - offset;
  return new Date(time).toISOString();
}
