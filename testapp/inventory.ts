/**
 * Test models for the synchronous single-table core: between them they use every scalar field type
 * and the field and meta options (API.md section 2). No relations: those are tested with models.ts.
 */
import {
  AutoField,
  BigAutoField,
  BigIntegerField,
  BinaryField,
  BooleanField,
  CharField,
  DateField,
  DateTimeField,
  DecimalField,
  DurationField,
  EmailField,
  FloatField,
  IntegerField,
  JSONField,
  Model,
  PositiveIntegerField,
  SlugField,
  SmallIntegerField,
  TextField,
  TimeField,
  URLField,
  UUIDField,
  type FieldsOf,
} from '../src';
import { AsyncMixin } from '../mixins';

/** Codes are upper-case letters and digits; the validator returns its message (API: `validators`). */
export function upperCaseCode(value: string): string | void {
  if (value !== '' && !/^[A-Z0-9]+$/.test(value)) return 'Codes are upper-case letters and digits.';
}

/** One instance of every scalar field type. */
export class Item extends AsyncMixin<Item>(Model) {
  static fields = {
    id: new BigAutoField(),
    name: new CharField({ maxLength: 20 }),
    quantity: new IntegerField({ default: 0 }),
    big: new BigIntegerField({ null: true }),
    small: new SmallIntegerField({ default: 1 }),
    positive: new PositiveIntegerField({ default: 0 }),
    ratio: new FloatField({ null: true }),
    price: new DecimalField({ maxDigits: 12, decimalPlaces: 2, default: '0.00' }),
    active: new BooleanField({ default: true }),
    description: new TextField({ blank: true }),
    email: new EmailField({ blank: true }),
    slug: new SlugField({ null: true, unique: true }),
    url: new URLField({ blank: true }),
    uuid: new UUIDField({ default: UUIDField.random, unique: true }),
    releaseDate: new DateField({ null: true }),
    happenedAt: new DateTimeField({ null: true }),
    opensAt: new TimeField({ null: true }),
    duration: new DurationField({ null: true }),
    data: new JSONField({ null: true }),
    blob: new BinaryField({ null: true }),
    /** Nullable text, for NULL semantics of exclude() and ordering. */
    tag: new CharField({ maxLength: 10, null: true }),
    status: new CharField({
      maxLength: 10,
      default: 'draft',
      choices: [
        ['draft', 'Draft'],
        ['live', 'Live'],
      ],
    }),
    code: new CharField({ maxLength: 8, blank: true, dbColumn: 'item_code', dbIndex: true, validators: [upperCaseCode] }),
    createdAt: new DateTimeField({ autoNowAdd: true }),
    updatedAt: new DateTimeField({ autoNow: true }),
  };
  static meta = {
    dbTable: 'inventory_item',
    ordering: ['name'],
    indexes: [{ fields: ['quantity', '-price'], name: 'inventory_item_qty_price' }],
  };
}
export interface Item extends FieldsOf<typeof Item.fields> {}

/** A plain AutoField key, uniqueTogether, unnamed indexes, and no default ordering. */
export class Shelf extends AsyncMixin<Shelf>(Model) {
  static fields = {
    number: new AutoField(),
    aisle: new CharField({ maxLength: 5 }),
    position: new SmallIntegerField(),
    label: new CharField({ maxLength: 30, blank: true }),
    bornOn: new DateField({ default: () => '2020-02-29' }),
  };
  static meta = {
    uniqueTogether: [['aisle', 'position']],
    indexes: [['label']],
  };
}
export interface Shelf extends FieldsOf<typeof Shelf.fields> {}

/** A primary key that is not automatic: the value is the key. */
export class Coupon extends AsyncMixin<Coupon>(Model) {
  static fields = {
    code: new CharField({ maxLength: 12, primaryKey: true }),
    percent: new PositiveIntegerField({ default: 10 }),
  };
}
export interface Coupon extends FieldsOf<typeof Coupon.fields> {}

/** Decimals wider than a double's 15 digits: compared and sorted exactly. */
export class Ledger extends AsyncMixin<Ledger>(Model) {
  static fields = {
    balance: new DecimalField({ maxDigits: 30, decimalPlaces: 2 }),
  };
}
export interface Ledger extends FieldsOf<typeof Ledger.fields> {}
