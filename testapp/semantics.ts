/**
 * Models for the ports of Django's query-semantics tests (tests/ordering, tests/null_queries, tests/queries,
 * tests/annotations, tests/aggregation_regress, tests/update): default orderings that follow relations (and a
 * cycle of them), integer comparisons, and the publisher / book / author set of the aggregation tests.
 * Names carry a prefix where the test app already has a model of Django's name.
 */
import {
  CASCADE,
  CharField,
  DateField,
  DateTimeField,
  DecimalField,
  FloatField,
  ForeignKey,
  IntegerField,
  JSONField,
  ManyToManyField,
  Model,
  PositiveIntegerField,
  UUIDField,
  SET_NULL,
  type FieldsOf,
  type ManyRelatedManager,
  type ReverseManyToOneManager,
} from '../src';
import { AsyncMixin } from '../mixins';

// ---------------------------------------------------------------- tests/ordering

export class OrdAuthor extends AsyncMixin<OrdAuthor>(Model) {
  static fields = {
    name: new CharField({ maxLength: 63, null: true, blank: true }),
    editor: new ForeignKey(() => OrdAuthor, { onDelete: CASCADE, null: true }),
  };
  static meta = { ordering: ['-pk'] };
}
export interface OrdAuthor extends FieldsOf<typeof OrdAuthor.fields> {}

/** Django's Article orders by F('headline'), F('author__name').asc(), OrderBy(F('second_author__name')): the same as names. */
export class OrdArticle extends AsyncMixin<OrdArticle>(Model) {
  static fields = {
    author: new ForeignKey(() => OrdAuthor, { onDelete: SET_NULL, null: true, relatedName: 'articles' }),
    secondAuthor: new ForeignKey(() => OrdAuthor, { onDelete: SET_NULL, null: true, relatedName: 'secondArticles' }),
    headline: new CharField({ maxLength: 100 }),
    pubDate: new DateTimeField(),
  };
  static meta = { ordering: ['-pubDate', 'headline', 'author__name', 'secondAuthor__name'] };
}
export interface OrdArticle extends FieldsOf<typeof OrdArticle.fields> {}

export class OrdReference extends AsyncMixin<OrdReference>(Model) {
  static fields = { article: new ForeignKey(() => OrdArticle, { onDelete: CASCADE }) };
  static meta = { ordering: ['article'] };
}
export interface OrdReference extends FieldsOf<typeof OrdReference.fields> {}

// ---------------------------------------------------------------- ordering through relations (tests/queries)

export class ExtraInfo extends AsyncMixin<ExtraInfo>(Model) {
  static fields = { info: new CharField({ maxLength: 100 }), value: new IntegerField() };
  static meta = { ordering: ['info'] };
}
export interface ExtraInfo extends FieldsOf<typeof ExtraInfo.fields> {}

export class QAuthor extends AsyncMixin<QAuthor>(Model) {
  static fields = {
    name: new CharField({ maxLength: 10 }),
    num: new IntegerField({ unique: true }),
    extra: new ForeignKey(() => ExtraInfo, { onDelete: CASCADE }),
  };
  static meta = { ordering: ['name'] };
  declare reportSet: ReverseManyToOneManager<Report>;
}
export interface QAuthor extends FieldsOf<typeof QAuthor.fields> {}

export class Report extends AsyncMixin<Report>(Model) {
  static fields = {
    name: new CharField({ maxLength: 10 }),
    creator: new ForeignKey(() => QAuthor, { onDelete: SET_NULL, null: true }),
  };
}
export interface Report extends FieldsOf<typeof Report.fields> {}

/** tests/queries' LoopX / LoopY: default orderings that refer to each other. */
export class LoopX extends AsyncMixin<LoopX>(Model) {
  static fields = { y: new ForeignKey(() => LoopY, { onDelete: CASCADE, null: true }) };
  static meta = { ordering: ['y'] };
}
export interface LoopX extends FieldsOf<typeof LoopX.fields> {}

export class LoopY extends AsyncMixin<LoopY>(Model) {
  static fields = { x: new ForeignKey(() => LoopX, { onDelete: CASCADE, null: true }) };
  static meta = { ordering: ['x'] };
}
export interface LoopY extends FieldsOf<typeof LoopY.fields> {}

export class LoopZ extends AsyncMixin<LoopZ>(Model) {
  static fields = { z: new ForeignKey(() => LoopZ, { onDelete: CASCADE, null: true }) };
  static meta = { ordering: ['z'] };
}
export interface LoopZ extends FieldsOf<typeof LoopZ.fields> {}

/** tests/queries' Number. */
export class NumberRow extends AsyncMixin<NumberRow>(Model) {
  static fields = { num: new IntegerField(), otherNum: new IntegerField({ null: true }) };
}
export interface NumberRow extends FieldsOf<typeof NumberRow.fields> {}

// ---------------------------------------------------------------- tests/annotations, tests/aggregation_regress

export class AggAuthor extends AsyncMixin<AggAuthor>(Model) {
  static fields = {
    name: new CharField({ maxLength: 100 }),
    age: new IntegerField(),
    friends: new ManyToManyField(() => AggAuthor),
  };
  declare friends: ManyRelatedManager<AggAuthor>;
  declare books: ManyRelatedManager<AggBook>;
  declare bookContactSet: ReverseManyToOneManager<AggBook, 'bookContactSet'>;
}
export interface AggAuthor extends FieldsOf<typeof AggAuthor.fields> {}

export class Publisher extends AsyncMixin<Publisher>(Model) {
  static fields = { name: new CharField({ maxLength: 255 }), numAwards: new IntegerField() };
  declare books: ReverseManyToOneManager<AggBook>;
}
export interface Publisher extends FieldsOf<typeof Publisher.fields> {}

/** aggregation_regress' Book; the reverse names are `books` and `bookContactSet` (Django: book, book_contact_set). */
export class AggBook extends AsyncMixin<AggBook>(Model) {
  static fields = {
    isbn: new CharField({ maxLength: 9 }),
    name: new CharField({ maxLength: 255 }),
    pages: new IntegerField(),
    rating: new FloatField(),
    price: new DecimalField({ decimalPlaces: 2, maxDigits: 6 }),
    authors: new ManyToManyField(() => AggAuthor, { relatedName: 'books' }),
    contact: new ForeignKey(() => AggAuthor, { onDelete: CASCADE, relatedName: 'bookContactSet' }),
    publisher: new ForeignKey(() => Publisher, { onDelete: CASCADE, relatedName: 'books' }),
    pubdate: new DateField(),
  };
  static meta = { ordering: ['name'] };
  declare authors: ManyRelatedManager<AggAuthor>;
}
export interface AggBook extends FieldsOf<typeof AggBook.fields> {}

// ---------------------------------------------------------------- tests/update

export class DataPoint extends AsyncMixin<DataPoint>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    value: new CharField({ maxLength: 20 }),
    anotherValue: new CharField({ maxLength: 20, blank: true }),
  };
  declare relatedPoints: ReverseManyToOneManager<RelatedPoint>;
}
export interface DataPoint extends FieldsOf<typeof DataPoint.fields> {}

export class RelatedPoint extends AsyncMixin<RelatedPoint>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    data: new ForeignKey(() => DataPoint, { onDelete: CASCADE, relatedName: 'relatedPoints' }),
  };
}
export interface RelatedPoint extends FieldsOf<typeof RelatedPoint.fields> {}

/** model_fields' PositiveIntegerModel. */
export class PositiveIntegerModel extends AsyncMixin<PositiveIntegerModel>(Model) {
  static fields = { value: new PositiveIntegerField() };
}
export interface PositiveIntegerModel extends FieldsOf<typeof PositiveIntegerModel.fields> {}

/** model_fields' UUIDModel. */
export class UUIDModel extends AsyncMixin<UUIDModel>(Model) {
  static fields = { field: new UUIDField() };
}
export interface UUIDModel extends FieldsOf<typeof UUIDModel.fields> {}

/** model_fields' NullableJSONModel. */
export class NullableJSONModel extends AsyncMixin<NullableJSONModel>(Model) {
  static fields = { value: new JSONField({ null: true, blank: true }) };
  static meta = { ordering: ['id'] };
}
export interface NullableJSONModel extends FieldsOf<typeof NullableJSONModel.fields> {}

// ---------------------------------------------------------------- tests/expressions_case

export class CaseTestModel extends AsyncMixin<CaseTestModel>(Model) {
  static fields = {
    integer: new IntegerField(),
    integer2: new IntegerField({ null: true }),
    string: new CharField({ maxLength: 100, default: '' }),
  };
  declare fkRel: ReverseManyToOneManager<FKCaseTestModel, 'fkRel'>;
}
export interface CaseTestModel extends FieldsOf<typeof CaseTestModel.fields> {}

export class FKCaseTestModel extends AsyncMixin<FKCaseTestModel>(Model) {
  static fields = {
    fk: new ForeignKey(() => CaseTestModel, { onDelete: CASCADE, relatedName: 'fkRel' }),
    integer: new IntegerField(),
  };
}
export interface FKCaseTestModel extends FieldsOf<typeof FKCaseTestModel.fields> {}

// ---------------------------------------------------------------- tests/null_queries

export class Poll extends AsyncMixin<Poll>(Model) {
  static fields = { question: new CharField({ maxLength: 200 }) };
  declare choiceSet: ReverseManyToOneManager<PollChoice, 'choice'>;
}
export interface Poll extends FieldsOf<typeof Poll.fields> {}

/** null_queries' Choice (the test app has a Choice already). */
export class PollChoice extends AsyncMixin<PollChoice>(Model) {
  static fields = {
    poll: new ForeignKey(() => Poll, { onDelete: CASCADE, relatedName: 'choiceSet', relatedQueryName: 'choice' }),
    choice: new CharField({ maxLength: 200 }),
  };
}
export interface PollChoice extends FieldsOf<typeof PollChoice.fields> {}

export class OuterA extends AsyncMixin<OuterA>(Model) {
  static fields = {};
  declare innerSet: ReverseManyToOneManager<Inner, 'inner'>;
}
export interface OuterA extends FieldsOf<typeof OuterA.fields> {}

export class OuterB extends AsyncMixin<OuterB>(Model) {
  static fields = { data: new CharField({ maxLength: 10 }) };
  declare innerSet: ReverseManyToOneManager<Inner, 'inner'>;
}
export interface OuterB extends FieldsOf<typeof OuterB.fields> {}

export class Inner extends AsyncMixin<Inner>(Model) {
  static fields = {
    first: new ForeignKey(() => OuterA, { onDelete: CASCADE, relatedName: 'innerSet', relatedQueryName: 'inner' }),
    // Django's Inner.third: a nullable FK to OuterB.
    third: new ForeignKey(() => OuterB, { onDelete: SET_NULL, null: true, relatedName: 'innerSet', relatedQueryName: 'inner' }),
  };
}
export interface Inner extends FieldsOf<typeof Inner.fields> {}
