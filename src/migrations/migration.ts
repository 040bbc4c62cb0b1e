import { MigrationError } from './errors';
import { Operation } from './operations/base';
import type { ProjectState } from './state';

export interface MigrationDefinition {
  /** Names of the migrations this one comes after (file names without the extension: '0001_initial'). */
  dependencies?: readonly string[];
  operations: readonly Operation[];
  /** The first migration of a history: `migrate --fake-initial` may mark it applied when its tables exist. */
  initial?: boolean;
}

/**
 * A migration file's default export: `export default new Migration({ dependencies, operations })`. Its name
 * is its file name, given by the loader.
 */
export class Migration {
  /** Set by the loader from the file name. */
  name = '';
  readonly dependencies: readonly string[];
  readonly operations: readonly Operation[];
  readonly initial: boolean;

  constructor(definition: MigrationDefinition) {
    if (!definition || typeof definition !== 'object') {
      throw new MigrationError('new Migration() takes { dependencies, operations }.');
    }
    for (const key of Object.keys(definition)) {
      if (!['dependencies', 'operations', 'initial'].includes(key)) {
        throw new MigrationError(`new Migration(): unknown option '${key}'; the options are dependencies, operations, initial.`);
      }
    }
    const dependencies = definition.dependencies ?? [];
    if (!Array.isArray(dependencies) || !dependencies.every((name) => typeof name === 'string')) {
      throw new MigrationError("new Migration(): dependencies is a list of migration names (['0001_initial']).");
    }
    if (!Array.isArray(definition.operations)) throw new MigrationError('new Migration(): operations is a list of operations.');
    definition.operations.forEach((operation, index) => {
      if (!(operation instanceof Operation)) {
        throw new MigrationError(`new Migration(): operations[${index}] is not an operation (new AddField({ ... }) from 'threadorm/migrations').`);
      }
    });
    this.dependencies = [...dependencies];
    this.operations = [...definition.operations];
    this.initial = definition.initial ?? false;
  }

  /** Replays the operations on `state` (a copy is changed and returned). */
  applyToState(state: ProjectState): ProjectState {
    const next = state.clone();
    for (const operation of this.operations) operation.stateForwards(next);
    return next;
  }

  /** The state before each operation, then the state after the last one (`operations.length + 1` states). */
  intermediateStates(state: ProjectState): ProjectState[] {
    const states = [state];
    for (const operation of this.operations) {
      const next = states[states.length - 1]!.clone();
      operation.stateForwards(next);
      states.push(next);
    }
    return states;
  }

  toString(): string {
    return this.name;
  }
}
