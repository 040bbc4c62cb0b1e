import { ImproperlyConfigured } from '../../../errors';
import type { Field } from '../../../models/fields/base';

/**
 * Django's `data_types`: a field's internal type (`field.internalType`) → its column type. A type may name
 * properties of the field as `%(maxLength)s`; a function picks the type from the field when a template cannot
 * (a CharField without maxLength).
 */
export type DataTypes = Readonly<Record<string, string | ((field: Field) => string)>>;

/** Django's `data_types_suffix`: what follows the column type and its PRIMARY KEY for some internal types. */
export type DataTypeSuffixes = Readonly<Record<string, string>>;

/**
 * Django's `data_type_check_constraints`: a CHECK the column carries for some internal types (a positive integer
 * is `>= 0`), a template over the field's properties like a data type (`%(column)s`).
 */
export type DataTypeCheckConstraints = Readonly<Record<string, string>>;

const PARAMETER = /%\((\w+)\)s/g;

/** `varchar(%(maxLength)s)` for a field with maxLength 20 is `varchar(20)`. */
export function fillDataType(template: string, field: Field): string {
  return template.replace(PARAMETER, (_, name: string) => {
    const value = (field as unknown as Record<string, unknown>)[name];
    if (value === null || value === undefined) {
      throw new ImproperlyConfigured(`${field.label}: its column type '${template}' needs the field's ${name}, which is not set.`);
    }
    return String(value);
  });
}
