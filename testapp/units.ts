/**
 * Units of work the example server runs in pool workers with syncToAsync: each is plain sync ORM code
 * (several queries, often one transaction) that costs a single thread hop. They are defined at module level
 * in a module listed in configure({ models }), so every worker can find them.
 */
import { atomic, F, Model, syncToAsync, ValidationError } from '../src';
import { Choice, Question } from './models';
import { isEmpty, seed, type SeedOptions } from './seed';

/**
 * POST /questions/:id/vote: Django tutorial's vote view. The increment is an F() update, so concurrent
 * votes never lose one; a missing question rejects with Question.DoesNotExist, a choice of another
 * question with a ValidationError on `choice`.
 */
export const castVote = syncToAsync(function castVote(questionId: number, choiceId: number): { question: Question; choices: Choice[] } {
  return atomic(() => {
    const question = Question.objects.get({ id: questionId });
    const voted = question.choiceSet.filter({ id: choiceId }).update({ votes: F('votes').add(1) });
    if (!voted) throw new ValidationError({ choice: [`Select a valid choice. ${choiceId} is not one of the available choices.`] });
    return { question, choices: question.choiceSet.all().eval() };
  });
});

/**
 * `fullClean()` in a reader: uniqueness checks and the foreign-key check (the target row exists) query the
 * database, which the main thread may not do under `mainThread: 'forbid'`. Resolves with the cleaned instance
 * (values converted to their field types); rejects with a ValidationError per field.
 */
const cleanInWorker = syncToAsync(
  function clean(instance: Model, exclude: string[]): Model {
    instance.fullClean({ exclude });
    return instance;
  },
  { readOnly: true },
);

export function cleaned<T extends Model>(instance: T, options: { exclude?: string[] } = {}): Promise<T> {
  return cleanInWorker(instance, options.exclude ?? []) as Promise<T>;
}

/** Seeds the demo data unless the database already holds some; resolves with what it created, or null. */
export const seedIfEmpty = syncToAsync(function seedIfEmpty(options: SeedOptions): ReturnType<typeof seed> | null {
  return atomic(() => (isEmpty() ? seed(options) : null));
});
