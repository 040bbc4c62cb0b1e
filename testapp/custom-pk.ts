/** Models of Django's tests/custom_pk (models.py, fields.py): primary keys other than the automatic `id`. */
import { CASCADE, CharField, ForeignKey, IntegerField, ManyToManyField, Model, type FieldsOf, type ManyRelatedManager, type ReverseManyToOneManager } from '../src';
import { AsyncMixin } from '../mixins';

export class Employee extends AsyncMixin<Employee>(Model) {
  static fields = {
    employeeCode: new IntegerField({ primaryKey: true, dbColumn: 'code' }),
    firstName: new CharField({ maxLength: 20 }),
    lastName: new CharField({ maxLength: 20 }),
  };
  static meta = { ordering: ['lastName', 'firstName'] };
  declare businessSet: ManyRelatedManager<Business>;
  override toString(): string {
    return `${this.firstName} ${this.lastName}`;
  }
}
export interface Employee extends FieldsOf<typeof Employee.fields> {}

export class Business extends AsyncMixin<Business>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20, primaryKey: true }),
    employees: new ManyToManyField(() => Employee),
  };
  override toString(): string {
    return this.name;
  }
}
export interface Business extends FieldsOf<typeof Business.fields> {}

/** Django's MyAutoField: a text key that the field makes up when the object is first saved. */
export class MyAutoField<N extends boolean = false> extends CharField<N, true> {
  constructor(options: ConstructorParameters<typeof CharField<N, true>>[0] = {}) {
    super({ ...options, maxLength: 10 });
  }
  override preSave(instance: Record<string, unknown>, adding: boolean): unknown {
    let value = instance[this.attname];
    if (!value) {
      const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
      for (let i = letters.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [letters[i], letters[j]] = [letters[j]!, letters[i]!];
      }
      value = letters.slice(0, 10).join('');
      instance[this.attname] = value;
    }
    return super.preSave(instance, adding);
  }
}

export class Bar extends AsyncMixin<Bar>(Model) {
  static fields = { id: new MyAutoField({ primaryKey: true, dbIndex: true }) };
  declare fooSet: ReverseManyToOneManager<Foo>;
}
export interface Bar extends FieldsOf<typeof Bar.fields> {}

export class Foo extends AsyncMixin<Foo>(Model) {
  static fields = { bar: new ForeignKey(() => Bar, { onDelete: CASCADE }) };
}
export interface Foo extends FieldsOf<typeof Foo.fields> {}
