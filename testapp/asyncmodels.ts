/**
 * Extra models for the async-layer tests: write-back after asave() (defaults, autoNow stamps, a save()
 * override), PROTECT deletes, validation in save(), and a model declared with plain `extends Model`
 * to which AsyncMixin is applied afterwards.
 */
import {
  CharField,
  DateTimeField,
  ForeignKey,
  IntegerField,
  Model,
  PROTECT,
  TextField,
  type FieldsOf,
  type ReverseManyToOneManager,
  type SaveOptions,
} from '../src';
import { AsyncMixin } from '../mixins';

/** Written by the worker: defaults (value and function), autoNowAdd / autoNow stamps and a slug set by save(). */
export class Article extends AsyncMixin<Article>(Model) {
  static fields = {
    title: new CharField({ maxLength: 80 }),
    slug: new CharField({ maxLength: 100, blank: true }),
    status: new CharField({ maxLength: 10, default: 'draft' }),
    rank: new IntegerField({ default: () => 7 }),
    saves: new IntegerField({ default: 0 }),
    created: new DateTimeField({ autoNowAdd: true }),
    updated: new DateTimeField({ autoNow: true }),
  };

  override save(options?: SaveOptions): void {
    this.slug = this.title.toLowerCase().replace(/\s+/g, '-');
    this.saves = (this.saves ?? 0) + 1;
    super.save(options);
  }
}
export interface Article extends FieldsOf<typeof Article.fields> {}

/** save() validates first, so a bad value is a ValidationError with per-field messages. */
export class Checked extends AsyncMixin<Checked>(Model) {
  static fields = {
    code: new CharField({ maxLength: 5 }),
    qty: new IntegerField({ default: 1, validators: [(value) => (value < 0 ? 'qty must not be negative.' : undefined)] }),
  };

  override save(options?: SaveOptions): void {
    this.fullClean();
    super.save(options);
  }
}
export interface Checked extends FieldsOf<typeof Checked.fields> {}

/** A crate cannot be deleted while a bottle references it. */
export class Crate extends AsyncMixin<Crate>(Model) {
  static fields = { label: new CharField({ maxLength: 30 }) };
  declare bottleSet: ReverseManyToOneManager<Bottle>;
}
export interface Crate extends FieldsOf<typeof Crate.fields> {}

export class Bottle extends AsyncMixin<Bottle>(Model) {
  static fields = {
    wine: new CharField({ maxLength: 30 }),
    crate: new ForeignKey(() => Crate, { onDelete: PROTECT }),
  };
}
export interface Bottle extends FieldsOf<typeof Bottle.fields> {}

/** Declared without the mixin; the tests apply `AsyncMixin(Memo)` to the existing class. */
export class Memo extends Model.typed<Memo>() {
  static fields = {
    text: new TextField(),
    priority: new IntegerField({ default: 3 }),
  };
  static meta = { ordering: ['id'] };
}
export interface Memo extends FieldsOf<typeof Memo.fields> {}
