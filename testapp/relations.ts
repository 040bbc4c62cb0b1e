/**
 * Models for the relation tests: self-references, an explicit through model, reverse names
 * (relatedName, relatedQueryName, '+'), toField, and one foreign key per onDelete rule.
 */
import {
  CASCADE,
  CharField,
  DO_NOTHING,
  ForeignKey,
  IntegerField,
  ManyToManyField,
  Model,
  OneToOneField,
  PROTECT,
  RESTRICT,
  SET,
  SET_DEFAULT,
  SET_NULL,
  type FieldsOf,
  type ManyRelatedManager,
  type ReverseManyToOneManager,
} from '../src';
import { AsyncMixin } from '../mixins';

// ---------------------------------------------------------------- self-references

/** A ForeignKey to self (mentor), a symmetrical M2M to self (friends), an asymmetrical one (following). */
export class Person extends AsyncMixin<Person>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    mentor: new ForeignKey(() => Person, { null: true, onDelete: SET_NULL, relatedName: 'mentees' }),
    friends: new ManyToManyField(() => Person),
    following: new ManyToManyField(() => Person, { symmetrical: false, relatedName: 'followers' }),
  };
  static meta = { ordering: ['name'] };
  declare mentees: ReverseManyToOneManager<Person>;
  declare followers: ManyRelatedManager<Person>;
}
export interface Person extends FieldsOf<typeof Person.fields> {}

/** A tree: deleting a node cascades to its whole subtree. */
export class Category extends AsyncMixin<Category>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    parent: new ForeignKey(() => Category, { null: true, onDelete: CASCADE, relatedName: 'children' }),
  };
  static meta = { ordering: ['name'] };
  declare children: ReverseManyToOneManager<Category>;
}
export interface Category extends FieldsOf<typeof Category.fields> {}

// ---------------------------------------------------------------- explicit through model

export class Musician extends AsyncMixin<Musician>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
  };
  static meta = { ordering: ['name'] };
  declare bands: ManyRelatedManager<Band>;
  declare membershipSet: ReverseManyToOneManager<Membership>;
}
export interface Musician extends FieldsOf<typeof Musician.fields> {}

export class Band extends AsyncMixin<Band>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    members: new ManyToManyField(() => Musician, { through: () => Membership, relatedName: 'bands' }),
  };
  static meta = { ordering: ['name'] };
  declare membershipSet: ReverseManyToOneManager<Membership>;
}
export interface Band extends FieldsOf<typeof Band.fields> {}

export class Membership extends AsyncMixin<Membership>(Model) {
  static fields = {
    band: new ForeignKey(() => Band, { onDelete: CASCADE }),
    musician: new ForeignKey(() => Musician, { onDelete: CASCADE }),
    role: new CharField({ maxLength: 30, default: 'member' }),
    since: new IntegerField({ null: true }),
  };
  static meta = { ordering: ['id'] };
}
export interface Membership extends FieldsOf<typeof Membership.fields> {}

// ---------------------------------------------------------------- reverse names and toField

export class Author extends AsyncMixin<Author>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    handle: new CharField({ maxLength: 30, unique: true }),
  };
  static meta = { ordering: ['name'] };
  /** relatedQueryName 'article': reverse lookups say `article__title`. */
  declare articles: ReverseManyToOneManager<Article, 'article'>;
  declare reviews: ReverseManyToOneManager<Review>;
  declare profile: AuthorProfile;
}
export interface Author extends FieldsOf<typeof Author.fields> {}

export class Tag extends AsyncMixin<Tag>(Model) {
  static fields = {
    label: new CharField({ maxLength: 30 }),
  };
  static meta = { ordering: ['label'] };
}
export interface Tag extends FieldsOf<typeof Tag.fields> {}

export class Article extends AsyncMixin<Article>(Model) {
  static fields = {
    title: new CharField({ maxLength: 100 }),
    author: new ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles', relatedQueryName: 'article' }),
    /** No reverse accessor and no reverse query name on Author. */
    editor: new ForeignKey(() => Author, { null: true, onDelete: SET_NULL, relatedName: '+' }),
    tags: new ManyToManyField(() => Tag, { relatedName: '+' }),
  };
  static meta = { ordering: ['title'] };
}
export interface Article extends FieldsOf<typeof Article.fields> {}

/** A foreign key to a unique non-primary-key column of the target. */
export class Review extends AsyncMixin<Review>(Model) {
  static fields = {
    author: new ForeignKey(() => Author, { onDelete: CASCADE, toField: 'handle', relatedName: 'reviews' }),
    stars: new IntegerField({ default: 3 }),
  };
  static meta = { ordering: ['id'] };
}
export interface Review extends FieldsOf<typeof Review.fields> {}

/** A one-to-one with a custom reverse accessor. */
export class AuthorProfile extends AsyncMixin<AuthorProfile>(Model) {
  static fields = {
    author: new OneToOneField(() => Author, { onDelete: CASCADE, relatedName: 'profile' }),
    bio: new CharField({ maxLength: 200, blank: true }),
  };
}
export interface AuthorProfile extends FieldsOf<typeof AuthorProfile.fields> {}

// ---------------------------------------------------------------- one foreign key per onDelete rule

/** The row every *Ref model points at. */
export class Target extends AsyncMixin<Target>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50, unique: true }),
  };
  static meta = { ordering: ['name'] };
  declare cascadeRefSet: ReverseManyToOneManager<CascadeRef>;
  declare protectRefSet: ReverseManyToOneManager<ProtectRef>;
}
export interface Target extends FieldsOf<typeof Target.fields> {}

/** The primary key of the Target named 'fallback' (SET_DEFAULT / SET targets). */
export function fallbackTargetPk(): number {
  return Target.objects.get({ name: 'fallback' }).pk as number;
}

export class CascadeRef extends AsyncMixin<CascadeRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: CASCADE }),
  };
}
export interface CascadeRef extends FieldsOf<typeof CascadeRef.fields> {}

export class ProtectRef extends AsyncMixin<ProtectRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: PROTECT }),
  };
}
export interface ProtectRef extends FieldsOf<typeof ProtectRef.fields> {}

export class RestrictRef extends AsyncMixin<RestrictRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: RESTRICT }),
  };
}
export interface RestrictRef extends FieldsOf<typeof RestrictRef.fields> {}

export class SetNullRef extends AsyncMixin<SetNullRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { null: true, onDelete: SET_NULL }),
  };
}
export interface SetNullRef extends FieldsOf<typeof SetNullRef.fields> {}

export class SetDefaultRef extends AsyncMixin<SetDefaultRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { null: true, onDelete: SET_DEFAULT, default: fallbackTargetPk }),
  };
}
export interface SetDefaultRef extends FieldsOf<typeof SetDefaultRef.fields> {}

/** SET(function): the function returns the instance to point at. */
export class SetValueRef extends AsyncMixin<SetValueRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { null: true, onDelete: SET(() => Target.objects.get({ name: 'fallback' })) }),
  };
}
export interface SetValueRef extends FieldsOf<typeof SetValueRef.fields> {}

/** DO_NOTHING with the FOREIGN KEY constraint: the database refuses a dangling key at commit. */
export class DoNothingRef extends AsyncMixin<DoNothingRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: DO_NOTHING }),
  };
}
export interface DoNothingRef extends FieldsOf<typeof DoNothingRef.fields> {}

/** DO_NOTHING without a constraint: the dangling key stays. */
export class LooseRef extends AsyncMixin<LooseRef>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: DO_NOTHING, dbConstraint: false }),
  };
}
export interface LooseRef extends FieldsOf<typeof LooseRef.fields> {}

// ---------------------------------------------------------------- RESTRICT reached through another CASCADE (Django docs)

export class Artist extends AsyncMixin<Artist>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
  };
}
export interface Artist extends FieldsOf<typeof Artist.fields> {}

export class Album extends AsyncMixin<Album>(Model) {
  static fields = {
    artist: new ForeignKey(() => Artist, { onDelete: CASCADE }),
    title: new CharField({ maxLength: 50 }),
  };
}
export interface Album extends FieldsOf<typeof Album.fields> {}

export class Song extends AsyncMixin<Song>(Model) {
  static fields = {
    artist: new ForeignKey(() => Artist, { onDelete: CASCADE }),
    album: new ForeignKey(() => Album, { onDelete: RESTRICT }),
    title: new CharField({ maxLength: 50 }),
  };
}
export interface Song extends FieldsOf<typeof Song.fields> {}
