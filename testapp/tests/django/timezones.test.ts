/**
 * Ports of Django's tests/timezones/tests.py (NewDatabaseTests, USE_TZ = True): date parts, dates and
 * truncations of datetimes are taken in the configured time zone (configure({ timeZone })), while values are
 * stored in UTC. Django's current time zone is Africa/Nairobi (EAT, UTC+3) there; timezone.override(UTC)
 * becomes a configuration in UTC, the default. OrdArticle.pubDate (testapp/semantics.ts) stands for Event.dt.
 *
 * Not ported: the naive-datetime cases (USE_TZ = False, warnings for naive values): a Date is an instant.
 */
import { configure, ImproperlyConfigured } from '../../../src';
import { OrdArticle } from '../../semantics';
import { SEMANTICS_MODELS } from './semantics-setup';
import { emptyTables, useParityDatabase } from './setup';

/** `new Date` of a wall-clock time at a fixed offset (EAT is +03:00, ICT +07:00, all year). */
const at = (wallClock: string, offset: string) => new Date(`${wallClock}${offset}`);
const EAT = '+03:00';
const event = (dt: Date) => OrdArticle.objects.create({ headline: dt.toISOString(), pubDate: dt });
const byDate = (field: 'pubDate') => OrdArticle.objects.orderBy(field);

function twoEventsOnNewYearsDayInEAT(): void {
  // The same day in EAT; different days, months and years in UTC.
  event(at('2011-01-01T01:30:00', EAT));
  event(at('2011-01-01T04:30:00', EAT));
}

describe('timezones.tests.NewDatabaseTests (current time zone Africa/Nairobi)', () => {
  useParityDatabase({ models: SEMANTICS_MODELS, timeZone: 'Africa/Nairobi' });
  beforeEach(() => emptyTables());

  test('timezones.tests.NewDatabaseTests.test_query_datetime_lookups', () => {
    twoEventsOnNewYearsDayInEAT();
    expect(OrdArticle.objects.filter({ pubDate__year: 2011 }).count()).toBe(2);
    expect(OrdArticle.objects.filter({ pubDate__month: 1 }).count()).toBe(2);
    expect(OrdArticle.objects.filter({ pubDate__day: 1 }).count()).toBe(2);
    expect(OrdArticle.objects.filter({ pubDate__week_day: 7 }).count()).toBe(2);
    expect(OrdArticle.objects.filter({ pubDate__iso_week_day: 6 }).count()).toBe(2);
    expect(OrdArticle.objects.filter({ pubDate__hour: 1 }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__minute: 30 }).count()).toBe(2);
    expect(OrdArticle.objects.filter({ pubDate__second: 0 }).count()).toBe(2);
  });

  test('timezones.tests.NewDatabaseTests.test_query_datetimes', () => {
    twoEventsOnNewYearsDayInEAT();
    const midnight = at('2011-01-01T00:00:00', EAT);
    expect(OrdArticle.objects.datetimes('pubDate', 'year').eval()).toEqual([midnight]);
    expect(OrdArticle.objects.datetimes('pubDate', 'month').eval()).toEqual([midnight]);
    expect(OrdArticle.objects.datetimes('pubDate', 'day').eval()).toEqual([midnight]);
    expect(OrdArticle.objects.datetimes('pubDate', 'hour').eval()).toEqual([at('2011-01-01T01:00:00', EAT), at('2011-01-01T04:00:00', EAT)]);
    expect(OrdArticle.objects.datetimes('pubDate', 'minute').eval()).toEqual([at('2011-01-01T01:30:00', EAT), at('2011-01-01T04:30:00', EAT)]);
    expect(OrdArticle.objects.datetimes('pubDate', 'second').eval()).toEqual([at('2011-01-01T01:30:00', EAT), at('2011-01-01T04:30:00', EAT)]);
  });

  test('timezones.tests.NewDatabaseTests.test_query_datetimes (tzinfo given to datetimes())', () => {
    twoEventsOnNewYearsDayInEAT();
    // Django: datetimes('dt', 'day', tzinfo=UTC), in another zone than the current one.
    expect(OrdArticle.objects.datetimes('pubDate', 'day', 'ASC', { tzinfo: 'UTC' }).eval()).toEqual([
      new Date('2010-12-31T00:00:00Z'),
      new Date('2011-01-01T00:00:00Z'),
    ]);
    expect(OrdArticle.objects.datetimes('pubDate', 'hour', { tzinfo: 'Asia/Bangkok' }).eval()).toEqual([
      at('2011-01-01T05:00:00', '+07:00'),
      at('2011-01-01T08:00:00', '+07:00'),
    ]);
    expect(() => OrdArticle.objects.datetimes('pubDate', 'day', 'ASC', { tzinfo: 'Mars/Olympus' })).toThrow(
      "OrdArticle.objects.datetimes(): tzinfo must be an IANA time zone name such as 'Europe/Paris'; got \"Mars/Olympus\".",
    );
  });

  test('timezones.tests.NewDatabaseTests.test_query_convert_timezones (__date and __time in the current zone)', () => {
    const dt = at('2016-01-02T23:10:11.123', EAT);
    const saved = event(dt);
    expect(OrdArticle.objects.filter({ pubDate__date: '2016-01-02' }).first()?.pk).toBe(saved.pk);
    // UTC says 2016-01-02 20:10: the date lookup matches it anyway, the time is EAT's.
    expect(OrdArticle.objects.filter({ pubDate__date: '2016-01-03' }).count()).toBe(0);
    expect(OrdArticle.objects.filter({ pubDate__time: '23:10:11.123000' }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__time__gt: '23:00' }).count()).toBe(1);
    // The stored value is the instant itself.
    expect(OrdArticle.objects.get({ pk: saved.pk }).pubDate).toEqual(dt);
  });

  test('dates() of a DateTimeField are the dates of the current zone', () => {
    event(at('2011-01-01T01:30:00', EAT));
    event(at('2011-03-31T23:30:00', EAT));
    expect(OrdArticle.objects.dates('pubDate', 'day').eval()).toEqual(['2011-01-01', '2011-03-31']);
    expect(OrdArticle.objects.dates('pubDate', 'month').eval()).toEqual(['2011-01-01', '2011-03-01']);
    expect(OrdArticle.objects.dates('pubDate', 'year').eval()).toEqual(['2011-01-01']);
  });

  test('through the pool the workers use the same zone', async () => {
    twoEventsOnNewYearsDayInEAT();
    expect(await OrdArticle.aobjects.filter({ pubDate__year: 2011 }).count()).toBe(2);
    expect(await OrdArticle.aobjects.datetimes('pubDate', 'day').eval()).toEqual([at('2011-01-01T00:00:00', EAT)]);
    expect(await OrdArticle.aobjects.datetimes('pubDate', 'day', { tzinfo: 'UTC' }).count()).toBe(2);
  });
});

describe('timezones.tests.NewDatabaseTests (timezone.override(UTC): configured in UTC)', () => {
  useParityDatabase({ models: SEMANTICS_MODELS });
  beforeEach(() => emptyTables());

  test('timezones.tests.NewDatabaseTests.test_query_datetime_lookups_in_other_timezone', () => {
    twoEventsOnNewYearsDayInEAT();
    expect(OrdArticle.objects.filter({ pubDate__year: 2011 }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__month: 1 }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__day: 1 }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__week_day: 7 }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__iso_week_day: 6 }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__hour: 22 }).count()).toBe(1);
    expect(OrdArticle.objects.filter({ pubDate__minute: 30 }).count()).toBe(2);
    expect(OrdArticle.objects.filter({ pubDate__second: 0 }).count()).toBe(2);
  });

  test('timezones.tests.NewDatabaseTests.test_query_datetimes_in_other_timezone', () => {
    twoEventsOnNewYearsDayInEAT();
    const utc = (text: string) => new Date(`${text}Z`);
    expect(OrdArticle.objects.datetimes('pubDate', 'year').eval()).toEqual([utc('2010-01-01T00:00:00'), utc('2011-01-01T00:00:00')]);
    expect(OrdArticle.objects.datetimes('pubDate', 'month').eval()).toEqual([utc('2010-12-01T00:00:00'), utc('2011-01-01T00:00:00')]);
    expect(OrdArticle.objects.datetimes('pubDate', 'day').eval()).toEqual([utc('2010-12-31T00:00:00'), utc('2011-01-01T00:00:00')]);
    expect(OrdArticle.objects.datetimes('pubDate', 'hour').eval()).toEqual([utc('2010-12-31T22:00:00'), utc('2011-01-01T01:00:00')]);
    expect(OrdArticle.objects.datetimes('pubDate', 'minute').eval()).toEqual([utc('2010-12-31T22:30:00'), utc('2011-01-01T01:30:00')]);
    expect(OrdArticle.objects.datetimes('pubDate', 'second').eval()).toEqual([utc('2010-12-31T22:30:00'), utc('2011-01-01T01:30:00')]);
    // The other zone asked for by tzinfo.
    expect(OrdArticle.objects.datetimes('pubDate', 'day', { tzinfo: 'Africa/Nairobi' }).eval()).toEqual([at('2011-01-01T00:00:00', EAT)]);
  });

  test('a zone with daylight saving time: each instant is read with the offset in force then', () => {
    // Paris is +01:00 in winter and +02:00 in summer; both events are at 00:30 local time.
    event(new Date('2021-01-14T23:30:00Z'));
    event(new Date('2021-07-14T22:30:00Z'));
    expect(byDate('pubDate').datetimes('pubDate', 'day', { tzinfo: 'Europe/Paris' }).eval()).toEqual([
      new Date('2021-01-14T23:00:00Z'),
      new Date('2021-07-14T22:00:00Z'),
    ]);
  });
});

describe('configure({ timeZone })', () => {
  test('takes IANA names only, and says so', () => {
    for (const timeZone of ['Mars/Olympus', '+02:00', '', 7]) {
      expect(() => configure({ database: ':memory:', models: SEMANTICS_MODELS, timeZone: timeZone as string })).toThrow(ImproperlyConfigured);
    }
    expect(() => configure({ database: ':memory:', timeZone: 'Nowhere' })).toThrow(
      `configure(): timeZone must be an IANA time zone name such as 'UTC' or 'Europe/Paris'; got "Nowhere".`,
    );
  });
});
