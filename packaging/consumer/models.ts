// The README tour's models, as a user writes them in their own project against the installed package.
import { Model, CharField, DecimalField, ForeignKey, OneToOneField, ManyToManyField, CASCADE, SET_NULL,
         type FieldsOf, type ManyRelatedManager, type ReverseManyToOneManager } from 'threadorm';
import { AsyncMixin } from 'threadorm/mixins';

export class Topping extends AsyncMixin<Topping>(Model) {
  static fields = { name: new CharField({ maxLength: 30 }) };
  declare pizzaSet: ManyRelatedManager<Pizza>;        // reverse accessor (declared: see Static typing)
}
export interface Topping extends FieldsOf<typeof Topping.fields> {}

export class Box extends AsyncMixin<Box>(Model) {
  static fields = { name: new CharField({ maxLength: 50 }) };
  declare pizzaSet: ReverseManyToOneManager<Pizza>;
}
export interface Box extends FieldsOf<typeof Box.fields> {}

export class Price extends AsyncMixin<Price>(Model) {
  static fields = {
    amount: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }),
    currency: new CharField({ maxLength: 16, default: 'usd' }),
  };
  declare pizza: Pizza;                               // reverse one-to-one
}
export interface Price extends FieldsOf<typeof Price.fields> {}

export class Pizza extends AsyncMixin<Pizza>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    toppings: new ManyToManyField(() => Topping),
    box: new ForeignKey(() => Box, { null: true, onDelete: SET_NULL }),
    price: new OneToOneField(() => Price, { onDelete: CASCADE }),
  };
  static meta = { ordering: ['name'] };
}
export interface Pizza extends FieldsOf<typeof Pizza.fields> {}  // instance types, from the field declarations
