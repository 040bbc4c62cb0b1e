/**
 * Type tests for 'self' relations, signals, choices enums, getDisplay and aggregate(): compiled by
 * `npm run typecheck`, never run. Each `@ts-expect-error` marks a misuse that must not compile.
 */
import { IntegerField, m2mChanged, postDelete, postSave, preSave, TextChoices, type ChoiceValue, type ManyRelatedManager } from '../../src';
import { Fellow, Invoice, ModelToValidate, Student, Suit } from '../parity';

declare function expectType<T>(value: T): void;

export function selfRelations(fellow: Fellow, mtv: ModelToValidate): void {
  expectType<ManyRelatedManager<Fellow>>(fellow.friends);
  expectType<Fellow[]>(fellow.idols.all().eval());
  expectType<ModelToValidate | null>(mtv.parent);
  expectType<number | null>(mtv.parentId);
  Fellow.objects.filter({ friends__name__startswith: 'A', idols__friends__name: 'B' });
  // @ts-expect-error no such field on the target
  Fellow.objects.filter({ friends__nmae: 'A' });
  // @ts-expect-error friends are Fellows
  fellow.friends.add(mtv);
}

export function signals(): void {
  postSave.connect(({ instance, created, raw, using, updateFields }) => {
    expectType<Invoice>(instance);
    expectType<boolean>(created);
    expectType<boolean>(raw);
    expectType<string>(using);
    expectType<ReadonlySet<string> | null>(updateFields);
  }, { sender: Invoice });
  preSave.connect(({ instance }) => {
    // @ts-expect-error without a sender, the instance is any model
    void instance.number;
  });
  postDelete.connect(({ origin, instance }) => {
    expectType<object>(origin);
    expectType<Invoice>(instance);
  }, { sender: Invoice });
  m2mChanged.connect(({ action, pkSet, reverse }) => {
    expectType<'preAdd' | 'postAdd' | 'preRemove' | 'postRemove' | 'preClear' | 'postClear'>(action);
    expectType<Set<number | string | bigint> | null>(pkSet);
    expectType<boolean>(reverse);
  });
}

export function choices(student: Student): void {
  expectType<1>(Suit.DIAMOND);
  expectType<ChoiceValue<typeof Suit>>(Suit.CLUB);
  expectType<ReadonlyArray<readonly [1 | 2 | 3 | 4, string]>>(Suit.choices);
  const Size = TextChoices({ S: 'small', L: ['large', 'Large'] });
  expectType<'small' | 'large'>(Size.L as ChoiceValue<typeof Size>);
  new IntegerField({ choices: Suit });
  // @ts-expect-error text choices on an integer field
  new IntegerField({ choices: Size });
  expectType<string | number | null>(student.getDisplay('luckySuit'));
  // @ts-expect-error no such field
  student.getDisplay('suit');
}

export async function aggregates(): Promise<void> {
  expectType<{}>(Student.objects.aggregate());
  expectType<{}>(await Student.aobjects.aggregate());
}
