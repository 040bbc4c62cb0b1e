/**
 * Models with custom managers and querysets, after Django's tests/custom_managers/models.py: a queryset
 * class made into a manager, a Manager subclass with its own methods built from a queryset class, and
 * managers whose getQueryset() narrows the rows.
 */
import { BooleanField, CASCADE, CharField, ForeignKey, Manager, ManyToManyField, Model, QuerySet, type CustomMethods, type FieldsOf, type ReverseManyToOneManager } from '../src';
import { AsyncMixin, type AsyncManagerOf } from '../mixins';

export class PersonQuerySet extends QuerySet<Person> {
  funPeople() {
    return this.filter({ funPerson: true });
  }
  byFirstName(name: string) {
    return this.filter({ firstName: name });
  }
  /** Typed `this`, so that custom methods chain after it on the sync side too. */
  byLastName(name: string): this {
    return this.filter({ lastName: name }) as this;
  }
  /** Chains through another custom method. */
  funByFirstName(name: string) {
    return (this.funPeople() as PersonQuerySet).byFirstName(name);
  }
  /** Private (leading '_'): not copied to managers, never a chain step. */
  _privateMethod() {
    return this.all();
  }
  /** Returns no queryset: a sync method, not available on aobjects. */
  countFun(): number {
    return this.funPeople().count();
  }
  /** The async twin a user writes for aobjects. */
  async acountFun(): Promise<number> {
    return this.funPeople().acount();
  }
}

/** A manager of its own with a method, built on the queryset class (Django's BaseCustomManager.from_queryset). */
export class PersonBaseManager extends Manager<Person> {
  getFunPeople() {
    return this.filter({ funPerson: true });
  }
}
export const PersonManager = PersonBaseManager.fromQueryset(PersonQuerySet);

export class FunPeopleManager extends Manager<Person> {
  override getQueryset() {
    return super.getQueryset().filter({ funPerson: true });
  }
}

export class BoringPeopleManager extends Manager<Person> {
  override getQueryset() {
    return super.getQueryset().filter({ funPerson: false });
  }
}

export class Person extends AsyncMixin<Person>(Model) {
  static fields = {
    firstName: new CharField({ maxLength: 30 }),
    lastName: new CharField({ maxLength: 30 }),
    funPerson: new BooleanField({ default: false }),
  };
  static meta = { ordering: ['firstName'] };
  static objects = new PersonManager();
  static customQuerysetManager = PersonQuerySet.asManager();
  static funPeople = new FunPeopleManager();
  static boringPeople = new BoringPeopleManager();
  declare static readonly aobjects: AsyncManagerOf<typeof Person.objects>;
  declare books: ReverseManyToOneManager<Book> & CustomMethods<BookQuerySet>;
}
export interface Person extends FieldsOf<typeof Person.fields> {}

export class BookQuerySet extends QuerySet<Book> {
  published() {
    return this.filter({ isPublished: true });
  }
}

export class Book extends AsyncMixin<Book>(Model) {
  static fields = {
    title: new CharField({ maxLength: 50 }),
    author: new ForeignKey(() => Person, { onDelete: CASCADE, relatedName: 'books' }),
    isPublished: new BooleanField({ default: false }),
    funAuthors: new ManyToManyField(() => FunPerson, { relatedName: 'funBooks' }),
  };
  declare funPeopleFavoriteBooks: ReverseManyToOneManager<FunPerson>;
  static meta = { ordering: ['title'] };
  static objects = BookQuerySet.asManager();
  declare static readonly aobjects: AsyncManagerOf<typeof Book.objects>;
}
export interface Book extends FieldsOf<typeof Book.fields> {}

/** Django's FunPerson: its default manager shows fun people only, so do the related managers over it. */
export class FunPersonManager extends Manager<FunPerson> {
  override getQueryset() {
    return super.getQueryset().filter({ funPerson: true });
  }
}

export class FunPerson extends AsyncMixin<FunPerson>(Model) {
  static fields = {
    firstName: new CharField({ maxLength: 30 }),
    funPerson: new BooleanField({ default: true }),
    favoriteBook: new ForeignKey(() => Book, { onDelete: CASCADE, null: true, relatedName: 'funPeopleFavoriteBooks' }),
  };
  static meta = { ordering: ['firstName'] };
  static objects = new FunPersonManager();
}
export interface FunPerson extends FieldsOf<typeof FunPerson.fields> {}

/** A default manager that hides rows: saving, refreshing and following keys still see them (the base manager). */
export class PublishedOnlyManager extends Manager<Article> {
  override getQueryset() {
    return super.getQueryset().filter({ isPublished: true });
  }
}

export class Article extends AsyncMixin<Article>(Model) {
  static fields = {
    headline: new CharField({ maxLength: 50 }),
    isPublished: new BooleanField({ default: false }),
  };
  static objects = new PublishedOnlyManager();
}
export interface Article extends FieldsOf<typeof Article.fields> {}

export class Comment extends AsyncMixin<Comment>(Model) {
  static fields = {
    text: new CharField({ maxLength: 50 }),
    article: new ForeignKey(() => Article, { onDelete: CASCADE }),
  };
}
export interface Comment extends FieldsOf<typeof Comment.fields> {}
