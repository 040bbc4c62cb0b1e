/** Models of Django's tests/async (models.py), for the ports in testapp/tests/django/async_*.test.ts. */
import { CASCADE, CharField, DateTimeField, ForeignKey, IntegerField, ManyToManyField, Model, type FieldsOf, type ManyRelatedManager, type ReverseManyToOneManager, type SaveOptions } from '../src';
import { AsyncMixin } from '../mixins';
import type { QueryOptions } from '../src/models/async-bridge';

export class SimpleModel extends AsyncMixin<SimpleModel>(Model) {
  static fields = {
    field: new IntegerField(),
    created: new DateTimeField({ default: () => new Date() }),
  };
  declare relatedmodelSet: ReverseManyToOneManager<RelatedModel>;
  declare manytomanymodelSet: ManyRelatedManager<ManyToManyModel>;
}
export interface SimpleModel extends FieldsOf<typeof SimpleModel.fields> {}

export class RelatedModel extends AsyncMixin<RelatedModel>(Model) {
  static fields = { simple: new ForeignKey(() => SimpleModel, { onDelete: CASCADE, null: true }) };
}
export interface RelatedModel extends FieldsOf<typeof RelatedModel.fields> {}

export class ManyToManyModel extends AsyncMixin<ManyToManyModel>(Model) {
  static fields = { simples: new ManyToManyField(() => SimpleModel) };
}
export interface ManyToManyModel extends FieldsOf<typeof ManyToManyModel.fields> {}

/** Its asave() adds one before saving: acreate() must go through it (as Django's acreate calls asave). */
export class IncrementASaveModel extends AsyncMixin<IncrementASaveModel>(Model) {
  static fields = { field: new IntegerField() };
  override async asave(options?: SaveOptions & QueryOptions): Promise<void> {
    this.field += 1;
    await super.asave(options);
  }
}
export interface IncrementASaveModel extends FieldsOf<typeof IncrementASaveModel.fields> {}

/** tests/async's Book (test_async_model_methods). */
export class Book extends AsyncMixin<Book>(Model) {
  static fields = {
    title: new CharField({ maxLength: 100 }),
    pages: new IntegerField({ default: 0 }),
  };
}
export interface Book extends FieldsOf<typeof Book.fields> {}
