/**
 * Thirty related models (a parent chain, many-to-many links across it, declared reverse accessors): the
 * query types must stay shallow however large the schema and however long the path. Compiled, never run.
 */
import { CharField, ForeignKey, IntegerField, ManyToManyField, Model, SET_NULL, type FieldsOf, type ReverseManyToOneManager } from '../../src';
import { AsyncMixin } from '../../mixins';

export class Node01 extends AsyncMixin<Node01>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 1 }),
    links: new ManyToManyField(() => Node08, { relatedName: 'linkedFrom01' }),
  };
  declare children: ReverseManyToOneManager<Node02>;
}
export interface Node01 extends FieldsOf<typeof Node01.fields> {}

export class Node02 extends AsyncMixin<Node02>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 2 }),
    parent: new ForeignKey(() => Node01, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node09, { relatedName: 'linkedFrom02' }),
  };
  declare children: ReverseManyToOneManager<Node03>;
}
export interface Node02 extends FieldsOf<typeof Node02.fields> {}

export class Node03 extends AsyncMixin<Node03>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 3 }),
    parent: new ForeignKey(() => Node02, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node10, { relatedName: 'linkedFrom03' }),
  };
  declare children: ReverseManyToOneManager<Node04>;
}
export interface Node03 extends FieldsOf<typeof Node03.fields> {}

export class Node04 extends AsyncMixin<Node04>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 4 }),
    parent: new ForeignKey(() => Node03, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node11, { relatedName: 'linkedFrom04' }),
  };
  declare children: ReverseManyToOneManager<Node05>;
}
export interface Node04 extends FieldsOf<typeof Node04.fields> {}

export class Node05 extends AsyncMixin<Node05>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 5 }),
    parent: new ForeignKey(() => Node04, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node12, { relatedName: 'linkedFrom05' }),
  };
  declare children: ReverseManyToOneManager<Node06>;
}
export interface Node05 extends FieldsOf<typeof Node05.fields> {}

export class Node06 extends AsyncMixin<Node06>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 6 }),
    parent: new ForeignKey(() => Node05, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node13, { relatedName: 'linkedFrom06' }),
  };
  declare children: ReverseManyToOneManager<Node07>;
}
export interface Node06 extends FieldsOf<typeof Node06.fields> {}

export class Node07 extends AsyncMixin<Node07>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 7 }),
    parent: new ForeignKey(() => Node06, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node14, { relatedName: 'linkedFrom07' }),
  };
  declare children: ReverseManyToOneManager<Node08>;
}
export interface Node07 extends FieldsOf<typeof Node07.fields> {}

export class Node08 extends AsyncMixin<Node08>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 8 }),
    parent: new ForeignKey(() => Node07, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node15, { relatedName: 'linkedFrom08' }),
  };
  declare children: ReverseManyToOneManager<Node09>;
}
export interface Node08 extends FieldsOf<typeof Node08.fields> {}

export class Node09 extends AsyncMixin<Node09>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 9 }),
    parent: new ForeignKey(() => Node08, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node16, { relatedName: 'linkedFrom09' }),
  };
  declare children: ReverseManyToOneManager<Node10>;
}
export interface Node09 extends FieldsOf<typeof Node09.fields> {}

export class Node10 extends AsyncMixin<Node10>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 10 }),
    parent: new ForeignKey(() => Node09, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node17, { relatedName: 'linkedFrom10' }),
  };
  declare children: ReverseManyToOneManager<Node11>;
}
export interface Node10 extends FieldsOf<typeof Node10.fields> {}

export class Node11 extends AsyncMixin<Node11>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 11 }),
    parent: new ForeignKey(() => Node10, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node18, { relatedName: 'linkedFrom11' }),
  };
  declare children: ReverseManyToOneManager<Node12>;
}
export interface Node11 extends FieldsOf<typeof Node11.fields> {}

export class Node12 extends AsyncMixin<Node12>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 12 }),
    parent: new ForeignKey(() => Node11, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node19, { relatedName: 'linkedFrom12' }),
  };
  declare children: ReverseManyToOneManager<Node13>;
}
export interface Node12 extends FieldsOf<typeof Node12.fields> {}

export class Node13 extends AsyncMixin<Node13>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 13 }),
    parent: new ForeignKey(() => Node12, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node20, { relatedName: 'linkedFrom13' }),
  };
  declare children: ReverseManyToOneManager<Node14>;
}
export interface Node13 extends FieldsOf<typeof Node13.fields> {}

export class Node14 extends AsyncMixin<Node14>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 14 }),
    parent: new ForeignKey(() => Node13, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node21, { relatedName: 'linkedFrom14' }),
  };
  declare children: ReverseManyToOneManager<Node15>;
}
export interface Node14 extends FieldsOf<typeof Node14.fields> {}

export class Node15 extends AsyncMixin<Node15>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 15 }),
    parent: new ForeignKey(() => Node14, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node22, { relatedName: 'linkedFrom15' }),
  };
  declare children: ReverseManyToOneManager<Node16>;
}
export interface Node15 extends FieldsOf<typeof Node15.fields> {}

export class Node16 extends AsyncMixin<Node16>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 16 }),
    parent: new ForeignKey(() => Node15, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node23, { relatedName: 'linkedFrom16' }),
  };
  declare children: ReverseManyToOneManager<Node17>;
}
export interface Node16 extends FieldsOf<typeof Node16.fields> {}

export class Node17 extends AsyncMixin<Node17>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 17 }),
    parent: new ForeignKey(() => Node16, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node24, { relatedName: 'linkedFrom17' }),
  };
  declare children: ReverseManyToOneManager<Node18>;
}
export interface Node17 extends FieldsOf<typeof Node17.fields> {}

export class Node18 extends AsyncMixin<Node18>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 18 }),
    parent: new ForeignKey(() => Node17, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node25, { relatedName: 'linkedFrom18' }),
  };
  declare children: ReverseManyToOneManager<Node19>;
}
export interface Node18 extends FieldsOf<typeof Node18.fields> {}

export class Node19 extends AsyncMixin<Node19>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 19 }),
    parent: new ForeignKey(() => Node18, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node26, { relatedName: 'linkedFrom19' }),
  };
  declare children: ReverseManyToOneManager<Node20>;
}
export interface Node19 extends FieldsOf<typeof Node19.fields> {}

export class Node20 extends AsyncMixin<Node20>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 20 }),
    parent: new ForeignKey(() => Node19, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node27, { relatedName: 'linkedFrom20' }),
  };
  declare children: ReverseManyToOneManager<Node21>;
}
export interface Node20 extends FieldsOf<typeof Node20.fields> {}

export class Node21 extends AsyncMixin<Node21>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 21 }),
    parent: new ForeignKey(() => Node20, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node28, { relatedName: 'linkedFrom21' }),
  };
  declare children: ReverseManyToOneManager<Node22>;
}
export interface Node21 extends FieldsOf<typeof Node21.fields> {}

export class Node22 extends AsyncMixin<Node22>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 22 }),
    parent: new ForeignKey(() => Node21, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node29, { relatedName: 'linkedFrom22' }),
  };
  declare children: ReverseManyToOneManager<Node23>;
}
export interface Node22 extends FieldsOf<typeof Node22.fields> {}

export class Node23 extends AsyncMixin<Node23>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 23 }),
    parent: new ForeignKey(() => Node22, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node30, { relatedName: 'linkedFrom23' }),
  };
  declare children: ReverseManyToOneManager<Node24>;
}
export interface Node23 extends FieldsOf<typeof Node23.fields> {}

export class Node24 extends AsyncMixin<Node24>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 24 }),
    parent: new ForeignKey(() => Node23, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node01, { relatedName: 'linkedFrom24' }),
  };
  declare children: ReverseManyToOneManager<Node25>;
}
export interface Node24 extends FieldsOf<typeof Node24.fields> {}

export class Node25 extends AsyncMixin<Node25>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 25 }),
    parent: new ForeignKey(() => Node24, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node02, { relatedName: 'linkedFrom25' }),
  };
  declare children: ReverseManyToOneManager<Node26>;
}
export interface Node25 extends FieldsOf<typeof Node25.fields> {}

export class Node26 extends AsyncMixin<Node26>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 26 }),
    parent: new ForeignKey(() => Node25, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node03, { relatedName: 'linkedFrom26' }),
  };
  declare children: ReverseManyToOneManager<Node27>;
}
export interface Node26 extends FieldsOf<typeof Node26.fields> {}

export class Node27 extends AsyncMixin<Node27>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 27 }),
    parent: new ForeignKey(() => Node26, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node04, { relatedName: 'linkedFrom27' }),
  };
  declare children: ReverseManyToOneManager<Node28>;
}
export interface Node27 extends FieldsOf<typeof Node27.fields> {}

export class Node28 extends AsyncMixin<Node28>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 28 }),
    parent: new ForeignKey(() => Node27, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node05, { relatedName: 'linkedFrom28' }),
  };
  declare children: ReverseManyToOneManager<Node29>;
}
export interface Node28 extends FieldsOf<typeof Node28.fields> {}

export class Node29 extends AsyncMixin<Node29>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 29 }),
    parent: new ForeignKey(() => Node28, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node06, { relatedName: 'linkedFrom29' }),
  };
  declare children: ReverseManyToOneManager<Node30>;
}
export interface Node29 extends FieldsOf<typeof Node29.fields> {}

export class Node30 extends AsyncMixin<Node30>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    rank: new IntegerField({ default: 30 }),
    parent: new ForeignKey(() => Node29, { null: true, onDelete: SET_NULL, relatedName: 'children' }),
    links: new ManyToManyField(() => Node07, { relatedName: 'linkedFrom30' }),
  };
}
export interface Node30 extends FieldsOf<typeof Node30.fields> {}

export async function deepQueries(): Promise<void> {
  // a path through all thirty models, and back down through the reverse accessors
  Node30.objects.filter({ parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__name__icontains: 'root' });
  Node01.objects.filter({ children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__children__rank__gte: 30 });
  Node15.objects.filter({ parent__links__children__links__parent__name: 'x', links__parent__parent__rank__in: [1, 2] });
  Node10.objects.orderBy('-parent__parent__parent__name').values('name', 'parent__links__name');
  await Node20.aobjects.filter({ children__children__links__name__startswith: 'n' }).selectRelated('parent__parent__parent');
  // @ts-expect-error a typo at the end of a long path is still found
  Node30.objects.filter({ parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__parent__nmae: 'root' });
  // @ts-expect-error the first model has no parent
  Node01.objects.filter({ parent__name: 'x' });
}
