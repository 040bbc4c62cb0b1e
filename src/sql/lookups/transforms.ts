import type { BaseOperations, DatePart, TimePart } from '../../db/backends/base/operations';
import type { Field } from '../../models/fields/base';
import type { Compiler } from '../compiler';
import { Transform, type Compiled } from '../expressions';
import { outputFields } from '../output-fields';

/**
 * The date and time transforms (Django's Extract and TruncDate / TruncTime), registered by the model layer on
 * DateField, DateTimeField and TimeField. What a part of a date is in SQL is the backend's to say.
 */
export abstract class Extract extends Transform {
  abstract readonly part: DatePart | TimePart;

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [sql, params] = this.source.compile(compiler);
    switch (this.source.outputField()?.internalType) {
      case 'DateTimeField':
        return [ops.datetimeExtract(this.part, sql, compiler.timeZone), params];
      case 'TimeField':
        return [ops.timeExtract(this.part as TimePart, sql), params];
      default:
        return [ops.dateExtract(this.part as DatePart, sql), params];
    }
  }

  override outputField(): Field {
    return outputFields().integer;
  }
}

export class ExtractYear extends Extract {
  static override readonly lookupName = 'year';
  readonly part = 'year';
}
export class ExtractMonth extends Extract {
  static override readonly lookupName = 'month';
  readonly part = 'month';
}
export class ExtractDay extends Extract {
  static override readonly lookupName = 'day';
  readonly part = 'day';
}
export class ExtractQuarter extends Extract {
  static override readonly lookupName = 'quarter';
  readonly part = 'quarter';
}
export class ExtractWeek extends Extract {
  static override readonly lookupName = 'week';
  readonly part = 'week';
}
export class ExtractIsoYear extends Extract {
  static override readonly lookupName = 'iso_year';
  readonly part = 'iso_year';
}
/** Django's numbering: 1 = Sunday ... 7 = Saturday. */
export class ExtractWeekDay extends Extract {
  static override readonly lookupName = 'week_day';
  readonly part = 'week_day';
}
export class ExtractIsoWeekDay extends Extract {
  static override readonly lookupName = 'iso_week_day';
  readonly part = 'iso_week_day';
}
export class ExtractHour extends Extract {
  static override readonly lookupName = 'hour';
  readonly part = 'hour';
}
export class ExtractMinute extends Extract {
  static override readonly lookupName = 'minute';
  readonly part = 'minute';
}
export class ExtractSecond extends Extract {
  static override readonly lookupName = 'second';
  readonly part = 'second';
}

/** `created__date`: the date of a datetime. */
export class TruncDate extends Transform {
  static override readonly lookupName = 'date';
  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [sql, params] = this.source.compile(compiler);
    return [ops.datetimeCastDate(sql, compiler.timeZone), params];
  }
  override outputField(): Field {
    return outputFields().date;
  }
}

/** `created__time`: the time of day of a datetime. */
export class TruncTime extends Transform {
  static override readonly lookupName = 'time';
  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [sql, params] = this.source.compile(compiler);
    return [ops.datetimeCastTime(sql, compiler.timeZone), params];
  }
  override outputField(): Field {
    return outputFields().time;
  }
}

/** The parts of a date, in the order error messages list them. */
export const DATE_TRANSFORMS = [ExtractYear, ExtractMonth, ExtractDay, ExtractQuarter, ExtractWeek, ExtractIsoYear, ExtractWeekDay, ExtractIsoWeekDay] as const;
export const TIME_TRANSFORMS = [ExtractHour, ExtractMinute, ExtractSecond] as const;
export const DATETIME_TRANSFORMS = [TruncDate, TruncTime, ...DATE_TRANSFORMS, ...TIME_TRANSFORMS] as const;
