// An ESM app's model module, plain JavaScript: pool workers import it too (require(esm): Node >= 20.19).
import { Model, CharField, ForeignKey, SET_NULL } from 'threadorm';
import { AsyncMixin } from 'threadorm/mixins';

export class Shelf extends AsyncMixin(Model) {
  static fields = { name: new CharField({ maxLength: 20 }) };
}
export class Book extends AsyncMixin(Model) {
  static fields = {
    title: new CharField({ maxLength: 50 }),
    shelf: new ForeignKey(() => Shelf, { null: true, onDelete: SET_NULL }),
  };
  static meta = { ordering: ['title'] };
}
