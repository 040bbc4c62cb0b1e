/**
 * Models of Django's tests/distinct_on_fields: staff with tags and coworkers, a tree of tags, celebrities and
 * their fans. Names carry a `D` prefix where the test app already has a model of Django's name.
 */
import { CASCADE, CharField, ForeignKey, IntegerField, ManyToManyField, Model, SET_NULL, type FieldsOf, type ReverseManyToOneManager } from '../src';
import { AsyncMixin } from '../mixins';

export class DTag extends AsyncMixin<DTag>(Model) {
  static fields = {
    name: new CharField({ maxLength: 10 }),
    parent: new ForeignKey(() => DTag, { onDelete: SET_NULL, null: true, blank: true, relatedName: 'children' }),
  };
  static meta = { ordering: ['name'] };
}
export interface DTag extends FieldsOf<typeof DTag.fields> {}

export class Celebrity extends AsyncMixin<Celebrity>(Model) {
  static fields = { name: new CharField({ maxLength: 20 }) };
  declare fanSet: ReverseManyToOneManager<Fan>;
}
export interface Celebrity extends FieldsOf<typeof Celebrity.fields> {}

export class Fan extends AsyncMixin<Fan>(Model) {
  static fields = { fanOf: new ForeignKey(() => Celebrity, { onDelete: CASCADE }) };
}
export interface Fan extends FieldsOf<typeof Fan.fields> {}

export class DStaff extends AsyncMixin<DStaff>(Model) {
  static fields = {
    id: new IntegerField({ primaryKey: true }),
    name: new CharField({ maxLength: 50 }),
    organisation: new CharField({ maxLength: 100 }),
    tags: new ManyToManyField(() => DTag, { through: () => DStaffTag }),
    coworkers: new ManyToManyField(() => DStaff),
  };
}
export interface DStaff extends FieldsOf<typeof DStaff.fields> {}

export class DStaffTag extends AsyncMixin<DStaffTag>(Model) {
  static fields = {
    staff: new ForeignKey(() => DStaff, { onDelete: CASCADE }),
    tag: new ForeignKey(() => DTag, { onDelete: CASCADE }),
  };
}
export interface DStaffTag extends FieldsOf<typeof DStaffTag.fields> {}
