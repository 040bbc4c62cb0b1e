/**
 * The example app: a pizzeria (API.md section 2) and Django's polls tutorial.
 * Each model is one class that names itself in its heritage (`AsyncMixin<Pizza>(Model)`) plus one
 * `FieldsOf` line: instances, managers and constructors are typed from `static fields`.
 */
import {
  BooleanField,
  CASCADE,
  CharField,
  DateTimeField,
  DecimalField,
  ForeignKey,
  IntegerField,
  ManyToManyField,
  Model,
  OneToOneField,
  SET_NULL,
  TextField,
  type FieldsOf,
  type ManyRelatedManager,
  type ReverseManyToOneManager,
} from '../src';
import { AsyncMixin } from '../mixins';

export class Topping extends AsyncMixin<Topping>(Model) {
  static fields = {
    name: new CharField({ maxLength: 30, unique: true }),
    vegetarian: new BooleanField({ default: true }),
  };
  static meta = { ordering: ['name'] };
  declare pizzaSet: ManyRelatedManager<Pizza>;
}
export interface Topping extends FieldsOf<typeof Topping.fields> {}

export class Box extends AsyncMixin<Box>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
  };
  declare pizzaSet: ReverseManyToOneManager<Pizza>;
}
export interface Box extends FieldsOf<typeof Box.fields> {}

export class Price extends AsyncMixin<Price>(Model) {
  static fields = {
    amount: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }),
    currency: new CharField({ maxLength: 16, default: 'usd' }),
  };
  /** Reverse one-to-one; reading it without a pizza throws Pizza.DoesNotExist. */
  declare pizza: Pizza;
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
export interface Pizza extends FieldsOf<typeof Pizza.fields> {}

export class Question extends AsyncMixin<Question>(Model) {
  static fields = {
    questionText: new CharField({ maxLength: 200 }),
    pubDate: new DateTimeField(),
    details: new TextField({ blank: true }),
  };
  static meta = { ordering: ['-pubDate'], getLatestBy: 'pubDate' };
  declare choiceSet: ReverseManyToOneManager<Choice>;

  /** Published within the last day (Django tutorial). */
  wasPublishedRecently(now = new Date()): boolean {
    const dayAgo = new Date(now.getTime() - 24 * 3600 * 1000);
    return dayAgo <= this.pubDate && this.pubDate <= now;
  }
}
export interface Question extends FieldsOf<typeof Question.fields> {}

export class Choice extends AsyncMixin<Choice>(Model) {
  static fields = {
    question: new ForeignKey(() => Question, { onDelete: CASCADE }),
    choiceText: new CharField({ maxLength: 200 }),
    votes: new IntegerField({ default: 0 }),
  };
  static meta = { ordering: ['id'] };
}
export interface Choice extends FieldsOf<typeof Choice.fields> {}
