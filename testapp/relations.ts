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
  type Manager,
  type ManyRelatedManager,
  type ReverseManyToOneManager,
} from '../src';
import { AsyncMixin, type AsyncManager } from '../mixins';

// ---------------------------------------------------------------- self-references

/** A ForeignKey to self (mentor), a symmetrical M2M to self (friends), an asymmetrical one (following). */
export class Person extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    mentor: new ForeignKey(() => Person, { null: true, onDelete: SET_NULL, relatedName: 'mentees' }),
    friends: new ManyToManyField(() => Person),
    following: new ManyToManyField(() => Person, { symmetrical: false, relatedName: 'followers' }),
  };
  static meta = { ordering: ['name'] };
  declare static objects: Manager<Person>;
  declare static aobjects: AsyncManager<Person>;
  declare mentees: ReverseManyToOneManager<Person>;
  declare followers: ManyRelatedManager<Person>;
}
export interface Person extends FieldsOf<typeof Person.fields> {}

/** A tree: deleting a node cascades to its whole subtree. */
export class Category extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    parent: new ForeignKey(() => Category, { null: true, onDelete: CASCADE, relatedName: 'children' }),
  };
  static meta = { ordering: ['name'] };
  declare static objects: Manager<Category>;
  declare static aobjects: AsyncManager<Category>;
  declare children: ReverseManyToOneManager<Category>;
}
export interface Category extends FieldsOf<typeof Category.fields> {}

// ---------------------------------------------------------------- explicit through model

export class Musician extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
  };
  static meta = { ordering: ['name'] };
  declare static objects: Manager<Musician>;
  declare static aobjects: AsyncManager<Musician>;
  declare bands: ManyRelatedManager<Band>;
  declare membershipSet: ReverseManyToOneManager<Membership>;
}
export interface Musician extends FieldsOf<typeof Musician.fields> {}

export class Band extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    members: new ManyToManyField(() => Musician, { through: () => Membership, relatedName: 'bands' }),
  };
  static meta = { ordering: ['name'] };
  declare static objects: Manager<Band>;
  declare static aobjects: AsyncManager<Band>;
  declare membershipSet: ReverseManyToOneManager<Membership>;
}
export interface Band extends FieldsOf<typeof Band.fields> {}

export class Membership extends AsyncMixin(Model) {
  static fields = {
    band: new ForeignKey(() => Band, { onDelete: CASCADE }),
    musician: new ForeignKey(() => Musician, { onDelete: CASCADE }),
    role: new CharField({ maxLength: 30, default: 'member' }),
    since: new IntegerField({ null: true }),
  };
  static meta = { ordering: ['id'] };
  declare static objects: Manager<Membership>;
  declare static aobjects: AsyncManager<Membership>;
}
export interface Membership extends FieldsOf<typeof Membership.fields> {}

// ---------------------------------------------------------------- reverse names and toField

export class Author extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    handle: new CharField({ maxLength: 30, unique: true }),
  };
  static meta = { ordering: ['name'] };
  declare static objects: Manager<Author>;
  declare static aobjects: AsyncManager<Author>;
  declare articles: ReverseManyToOneManager<Article>;
  declare reviews: ReverseManyToOneManager<Review>;
  declare profile: AuthorProfile;
}
export interface Author extends FieldsOf<typeof Author.fields> {}

export class Tag extends AsyncMixin(Model) {
  static fields = {
    label: new CharField({ maxLength: 30 }),
  };
  static meta = { ordering: ['label'] };
  declare static objects: Manager<Tag>;
  declare static aobjects: AsyncManager<Tag>;
}
export interface Tag extends FieldsOf<typeof Tag.fields> {}

export class Article extends AsyncMixin(Model) {
  static fields = {
    title: new CharField({ maxLength: 100 }),
    author: new ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles', relatedQueryName: 'article' }),
    /** No reverse accessor and no reverse query name on Author. */
    editor: new ForeignKey(() => Author, { null: true, onDelete: SET_NULL, relatedName: '+' }),
    tags: new ManyToManyField(() => Tag, { relatedName: '+' }),
  };
  static meta = { ordering: ['title'] };
  declare static objects: Manager<Article>;
  declare static aobjects: AsyncManager<Article>;
}
export interface Article extends FieldsOf<typeof Article.fields> {}

/** A foreign key to a unique non-primary-key column of the target. */
export class Review extends AsyncMixin(Model) {
  static fields = {
    author: new ForeignKey(() => Author, { onDelete: CASCADE, toField: 'handle', relatedName: 'reviews' }),
    stars: new IntegerField({ default: 3 }),
  };
  static meta = { ordering: ['id'] };
  declare static objects: Manager<Review>;
  declare static aobjects: AsyncManager<Review>;
}
export interface Review extends FieldsOf<typeof Review.fields> {}

/** A one-to-one with a custom reverse accessor. */
export class AuthorProfile extends AsyncMixin(Model) {
  static fields = {
    author: new OneToOneField(() => Author, { onDelete: CASCADE, relatedName: 'profile' }),
    bio: new CharField({ maxLength: 200, blank: true }),
  };
  declare static objects: Manager<AuthorProfile>;
  declare static aobjects: AsyncManager<AuthorProfile>;
}
export interface AuthorProfile extends FieldsOf<typeof AuthorProfile.fields> {}

// ---------------------------------------------------------------- one foreign key per onDelete rule

/** The row every *Ref model points at. */
export class Target extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50, unique: true }),
  };
  static meta = { ordering: ['name'] };
  declare static objects: Manager<Target>;
  declare static aobjects: AsyncManager<Target>;
  declare cascadeRefSet: ReverseManyToOneManager<CascadeRef>;
  declare protectRefSet: ReverseManyToOneManager<ProtectRef>;
}
export interface Target extends FieldsOf<typeof Target.fields> {}

/** The primary key of the Target named 'fallback' (SET_DEFAULT / SET targets). */
export function fallbackTargetPk(): number {
  return Target.objects.get({ name: 'fallback' }).pk as number;
}

export class CascadeRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: CASCADE }),
  };
  declare static objects: Manager<CascadeRef>;
  declare static aobjects: AsyncManager<CascadeRef>;
}
export interface CascadeRef extends FieldsOf<typeof CascadeRef.fields> {}

export class ProtectRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: PROTECT }),
  };
  declare static objects: Manager<ProtectRef>;
  declare static aobjects: AsyncManager<ProtectRef>;
}
export interface ProtectRef extends FieldsOf<typeof ProtectRef.fields> {}

export class RestrictRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: RESTRICT }),
  };
  declare static objects: Manager<RestrictRef>;
  declare static aobjects: AsyncManager<RestrictRef>;
}
export interface RestrictRef extends FieldsOf<typeof RestrictRef.fields> {}

export class SetNullRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { null: true, onDelete: SET_NULL }),
  };
  declare static objects: Manager<SetNullRef>;
  declare static aobjects: AsyncManager<SetNullRef>;
}
export interface SetNullRef extends FieldsOf<typeof SetNullRef.fields> {}

export class SetDefaultRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { null: true, onDelete: SET_DEFAULT, default: fallbackTargetPk }),
  };
  declare static objects: Manager<SetDefaultRef>;
  declare static aobjects: AsyncManager<SetDefaultRef>;
}
export interface SetDefaultRef extends FieldsOf<typeof SetDefaultRef.fields> {}

/** SET(function): the function returns the instance to point at. */
export class SetValueRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { null: true, onDelete: SET(() => Target.objects.get({ name: 'fallback' })) }),
  };
  declare static objects: Manager<SetValueRef>;
  declare static aobjects: AsyncManager<SetValueRef>;
}
export interface SetValueRef extends FieldsOf<typeof SetValueRef.fields> {}

/** DO_NOTHING with the FOREIGN KEY constraint: the database refuses a dangling key at commit. */
export class DoNothingRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: DO_NOTHING }),
  };
  declare static objects: Manager<DoNothingRef>;
  declare static aobjects: AsyncManager<DoNothingRef>;
}
export interface DoNothingRef extends FieldsOf<typeof DoNothingRef.fields> {}

/** DO_NOTHING without a constraint: the dangling key stays. */
export class LooseRef extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    target: new ForeignKey(() => Target, { onDelete: DO_NOTHING, dbConstraint: false }),
  };
  declare static objects: Manager<LooseRef>;
  declare static aobjects: AsyncManager<LooseRef>;
}
export interface LooseRef extends FieldsOf<typeof LooseRef.fields> {}

// ---------------------------------------------------------------- RESTRICT reached through another CASCADE (Django docs)

export class Artist extends AsyncMixin(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
  };
  declare static objects: Manager<Artist>;
  declare static aobjects: AsyncManager<Artist>;
}
export interface Artist extends FieldsOf<typeof Artist.fields> {}

export class Album extends AsyncMixin(Model) {
  static fields = {
    artist: new ForeignKey(() => Artist, { onDelete: CASCADE }),
    title: new CharField({ maxLength: 50 }),
  };
  declare static objects: Manager<Album>;
  declare static aobjects: AsyncManager<Album>;
}
export interface Album extends FieldsOf<typeof Album.fields> {}

export class Song extends AsyncMixin(Model) {
  static fields = {
    artist: new ForeignKey(() => Artist, { onDelete: CASCADE }),
    album: new ForeignKey(() => Album, { onDelete: RESTRICT }),
    title: new CharField({ maxLength: 50 }),
  };
  declare static objects: Manager<Song>;
  declare static aobjects: AsyncManager<Song>;
}
export interface Song extends FieldsOf<typeof Song.fields> {}
