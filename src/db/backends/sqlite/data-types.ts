import type { Field } from '../../../models/fields/base';
import type { CharField } from '../../../models/fields/scalar';
import type { DataTypeCheckConstraints, DataTypes, DataTypeSuffixes } from '../base/data-types';

/**
 * Column types by internal type. SQLite stores any value in any column; the declared type only sets the
 * column's affinity, so each one here is chosen for the affinity it gives.
 */
const charType = (field: Field): string => ((field as CharField).maxLength === null ? 'text' : 'varchar(%(maxLength)s)');

export const sqliteDataTypes: DataTypes = {
  AutoField: 'integer',
  BigAutoField: 'integer',
  IntegerField: 'integer',
  SmallIntegerField: 'integer',
  PositiveIntegerField: 'integer',
  BigIntegerField: 'bigint',
  FloatField: 'real',
  // TEXT affinity (the name contains "TEXT"): a NUMERIC column would turn '12.50' into a float and lose digits.
  DecimalField: 'decimal_text',
  BooleanField: 'bool',
  CharField: charType,
  EmailField: charType,
  SlugField: charType,
  URLField: charType,
  TextField: 'text',
  UUIDField: 'char(36)',
  GenericIPAddressField: 'char(39)',
  DateField: 'date',
  DateTimeField: 'datetime',
  TimeField: 'time',
  DurationField: 'bigint',
  JSONField: 'text',
  BinaryField: 'blob',
};

/** AUTOINCREMENT: a deleted row's key is never handed out again (without it SQLite may reuse the highest one). */
export const sqliteDataTypeSuffixes: DataTypeSuffixes = {
  AutoField: 'AUTOINCREMENT',
  BigAutoField: 'AUTOINCREMENT',
};

/** A value the field refuses is refused by the database too, also when an update computes it (`F('n').sub(5)`). */
export const sqliteDataTypeCheckConstraints: DataTypeCheckConstraints = {
  PositiveIntegerField: '"%(column)s" >= 0',
};
