/**
 * Models of the multiple-database tests, after Django's tests/multiple_database: people, the books they
 * wrote or edited (a many-to-many and a foreign key), and their pets.
 */
import { CharField, DateField, ForeignKey, ManyToManyField, Model, SET_NULL, CASCADE, type FieldsOf, type ManyRelatedManager, type ReverseManyToOneManager } from '../../../src';
import { AsyncMixin } from '../../../mixins';

export class Person extends AsyncMixin<Person>(Model) {
  static fields = { name: new CharField({ maxLength: 100, unique: true }) };
  static meta = { ordering: ['name'] };
  declare authored: ManyRelatedManager<Book>;
  declare edited: ReverseManyToOneManager<Book>;
  declare petSet: ReverseManyToOneManager<Pet>;
}
export interface Person extends FieldsOf<typeof Person.fields> {}

export class Book extends AsyncMixin<Book>(Model) {
  static fields = {
    title: new CharField({ maxLength: 100 }),
    published: new DateField(),
    authors: new ManyToManyField(() => Person, { relatedName: 'authored' }),
    editor: new ForeignKey(() => Person, { onDelete: SET_NULL, null: true, relatedName: 'edited' }),
  };
  static meta = { ordering: ['title'] };
  declare authors: ManyRelatedManager<Person>;
}
export interface Book extends FieldsOf<typeof Book.fields> {}

export class Pet extends AsyncMixin<Pet>(Model) {
  static fields = {
    name: new CharField({ maxLength: 100 }),
    owner: new ForeignKey(() => Person, { onDelete: CASCADE }),
  };
  static meta = { ordering: ['name'] };
}
export interface Pet extends FieldsOf<typeof Pet.fields> {}

export const MULTIDB_MODELS = [require.resolve('./models')];
