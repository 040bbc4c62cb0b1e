// The README tour's models, as a user writes them in their own project against the installed package.
import { Model, CharField, DecimalField, ForeignKey, OneToOneField, ManyToManyField, CASCADE, SET_NULL,
         type FieldsOf, type Manager, type ReverseManyToOneManager } from 'threadorm';
import { AsyncMixin, type AsyncManager } from 'threadorm/mixins';

export class Topping extends AsyncMixin(Model) {
  static fields = { name: new CharField({ maxLength: 30 }) };
}
export class Box extends AsyncMixin(Model) {
  static fields = { name: new CharField({ maxLength: 50 }) };
  declare pizzaSet: ReverseManyToOneManager<Pizza>;
  declare static objects: Manager<Box>;
  declare static aobjects: AsyncManager<Box>;
}
export interface Box extends FieldsOf<typeof Box.fields> {}
export class Price extends AsyncMixin(Model) {
  static fields = {
    amount: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }),
    currency: new CharField({ maxLength: 16, default: 'usd' }),
  };
  declare static objects: Manager<Price>;
  declare static aobjects: AsyncManager<Price>;
}
export interface Price extends FieldsOf<typeof Price.fields> {}
export class Pizza extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    toppings: new ManyToManyField(() => Topping),
    box: new ForeignKey(() => Box, { null: true, onDelete: SET_NULL }),
    price: new OneToOneField(() => Price, { onDelete: CASCADE }),
  };
  static meta = { ordering: ['name'] };
  declare static objects: Manager<Pizza>;
  declare static aobjects: AsyncManager<Pizza>;
}
export interface Pizza extends FieldsOf<typeof Pizza.fields> {}
