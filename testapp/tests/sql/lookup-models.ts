/**
 * Models of the custom lookup tests. The module imports the lookup it uses, so that pool workers, which
 * import the model modules, have it registered too.
 */
import './ne-lookup';
import { CharField, DecimalField, ForeignKey, IntegerField, Model, CASCADE, type FieldsOf } from '../../../src';
import { AsyncMixin } from '../../../mixins';

export class Shelf extends AsyncMixin<Shelf>(Model) {
  static fields = {
    label: new CharField({ maxLength: 20 }),
  };
}
export interface Shelf extends FieldsOf<typeof Shelf.fields> {}

export class Gadget extends AsyncMixin<Gadget>(Model) {
  static fields = {
    name: new CharField({ maxLength: 40 }),
    size: new IntegerField({ null: true }),
    price: new DecimalField({ maxDigits: 8, decimalPlaces: 2, default: '0.00' }),
    shelf: new ForeignKey(() => Shelf, { onDelete: CASCADE, null: true }),
  };
  static meta = { ordering: ['id'] };
}
export interface Gadget extends FieldsOf<typeof Gadget.fields> {}
