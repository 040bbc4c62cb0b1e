/**
 * Column types come from the backend's data types by internal type (Django's data_types): every built-in field
 * has one, a foreign key takes its target's (without what makes an automatic key automatic), a many-to-many
 * has no column, and a field the backend has no type for is named in the error.
 */
import {
  AutoField,
  BigAutoField,
  BigIntegerField,
  BinaryField,
  BooleanField,
  CASCADE,
  CharField,
  DateField,
  DateTimeField,
  DecimalField,
  DurationField,
  EmailField,
  Field,
  FloatField,
  ForeignKey,
  ImproperlyConfigured,
  IntegerField,
  JSONField,
  ManyToManyField,
  Model,
  OneToOneField,
  PositiveIntegerField,
  SlugField,
  SmallIntegerField,
  TextField,
  TimeField,
  URLField,
  UUIDField,
} from '../../../src';
import { SqliteBackend, sqliteBackend } from '../../../src/db/backends/sqlite/backend';
import { sqliteDataTypes } from '../../../src/db/backends/sqlite/data-types';

class Everything extends Model {
  static fields = {
    small: new SmallIntegerField(),
    whole: new IntegerField(),
    positive: new PositiveIntegerField(),
    big: new BigIntegerField(),
    ratio: new FloatField(),
    amount: new DecimalField({ maxDigits: 8, decimalPlaces: 2 }),
    flag: new BooleanField(),
    short: new CharField({ maxLength: 12 }),
    unbounded: new CharField(),
    body: new TextField(),
    email: new EmailField(),
    slug: new SlugField(),
    site: new URLField(),
    token: new UUIDField(),
    day: new DateField(),
    moment: new DateTimeField(),
    clock: new TimeField(),
    span: new DurationField(),
    data: new JSONField(),
    blob: new BinaryField(),
  };
}

class Counter extends Model {
  static fields = { id: new BigAutoField() };
}

class Ticket extends Model {
  static fields = { id: new UUIDField({ primaryKey: true, default: UUIDField.random }), code: new CharField({ maxLength: 30, unique: true }) };
}

/** A one-to-one primary key: its column holds the Ticket's key. */
class TicketDetail extends Model {
  static fields = { ticket: new OneToOneField(() => Ticket, { primaryKey: true, onDelete: CASCADE }) };
}

class Link extends Model {
  static fields = {
    plain: new ForeignKey(() => Everything, { onDelete: CASCADE }),
    counter: new ForeignKey(() => Counter, { onDelete: CASCADE }),
    ticket: new ForeignKey(() => Ticket, { onDelete: CASCADE }),
    byCode: new ForeignKey(() => Ticket, { onDelete: CASCADE, toField: 'code', relatedName: 'linksByCode' }),
    detail: new ForeignKey(() => TicketDetail, { onDelete: CASCADE }),
    tickets: new ManyToManyField(() => Ticket, { relatedName: 'linkedFrom' }),
  };
}

/** A custom field declares the internal type whose column it takes, as in Django. */
class LowerCaseField extends CharField {
  override toValue(value: unknown): string {
    return super.toValue(value).toLowerCase();
  }
}

class PointField extends Field<[number, number]> {
  readonly internalType = 'PointField';
}

class Custom extends Model {
  static fields = { tag: new LowerCaseField({ maxLength: 8 }), where: new PointField() };
}

const type = (model: typeof Model, name: string): string | null => sqliteBackend.columnType(model._meta.getField(name));

describe('SQLite column types', () => {
  test('every built-in field', () => {
    const types = Object.fromEntries(Everything._meta.concreteFields.map((field) => [field.name, sqliteBackend.columnType(field)]));
    expect(types).toEqual({
      id: 'integer',
      small: 'integer',
      whole: 'integer',
      positive: 'integer',
      big: 'bigint',
      ratio: 'real',
      amount: 'decimal_text',
      flag: 'bool',
      short: 'varchar(12)',
      unbounded: 'text',
      body: 'text',
      email: 'varchar(254)',
      slug: 'varchar(50)',
      site: 'varchar(200)',
      token: 'char(36)',
      day: 'date',
      moment: 'datetime',
      clock: 'time',
      span: 'bigint',
      data: 'text',
      blob: 'blob',
    });
  });

  test('automatic keys get AUTOINCREMENT after PRIMARY KEY, nothing else does', () => {
    expect(sqliteBackend.columnTypeSuffix(Everything._meta.pk)).toBe('AUTOINCREMENT');
    expect(sqliteBackend.columnTypeSuffix(Counter._meta.pk)).toBe('AUTOINCREMENT');
    expect(sqliteBackend.columnTypeSuffix(Ticket._meta.pk)).toBeNull();
    expect(sqliteBackend.columnTypeSuffix(Everything._meta.getField('whole'))).toBeNull();
    expect(sqliteBackend.columnTypeSuffix(Link._meta.getField('counter'))).toBeNull();
  });

  test("a foreign key takes its target's type, an automatic key's without its suffix", () => {
    expect(type(Link, 'plain')).toBe('integer');
    expect(type(Link, 'counter')).toBe('integer');
    expect(type(Link, 'ticket')).toBe('char(36)');
    expect(type(Link, 'byCode')).toBe('varchar(30)');
  });

  test('a key to a one-to-one primary key follows it to the field it holds', () => {
    expect(type(TicketDetail, 'ticket')).toBe('char(36)');
    expect(type(Link, 'detail')).toBe('char(36)');
  });

  test('a many-to-many has no column', () => {
    const tickets = Link._meta.getField('tickets');
    expect(tickets.concrete).toBe(false);
    expect(sqliteBackend.columnType(tickets)).toBeNull();
    expect(sqliteBackend.columnTypeSuffix(tickets)).toBeNull();
    expect(Link._meta.concreteFields).not.toContain(tickets);
  });

  test('a subclass of a field keeps its internal type and so its column type', () => {
    expect(type(Custom, 'tag')).toBe('varchar(8)');
  });

  test('a field of an internal type the backend does not know is named, with the known ones', () => {
    const where = Custom._meta.getField('where');
    expect(() => sqliteBackend.columnType(where)).toThrow(ImproperlyConfigured);
    expect(() => sqliteBackend.columnType(where)).toThrow(/Custom\.where: SQLite has no column type for a PointField/);
    expect(() => sqliteBackend.columnType(where)).toThrow(/known ones are AutoField, BigAutoField, /);
  });

  test('a template parameter the field does not set is named', () => {
    class StrictChars extends SqliteBackend {
      override readonly dataTypes = { ...sqliteDataTypes, CharField: 'varchar(%(maxLength)s)' };
    }
    const strict = new StrictChars();
    expect(strict.columnType(Everything._meta.getField('short'))).toBe('varchar(12)');
    expect(() => strict.columnType(Everything._meta.getField('unbounded'))).toThrow(
      /Everything\.unbounded: its column type 'varchar\(%\(maxLength\)s\)' needs the field's maxLength, which is not set/,
    );
  });
});
