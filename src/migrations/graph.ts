import { MigrationError } from './errors';
import type { Migration } from './migration';
import { ProjectState } from './state';

/**
 * The migrations and their dependencies (Django's MigrationGraph). Plans are deterministic: a migration's
 * dependencies come before it, in the order it lists them.
 */
export class MigrationGraph {
  private readonly nodes = new Map<string, Migration>();
  private readonly children = new Map<string, Set<string>>();

  constructor(migrations: Iterable<Migration>, where: string) {
    for (const migration of migrations) {
      this.nodes.set(migration.name, migration);
      this.children.set(migration.name, new Set());
    }
    for (const migration of this.nodes.values()) {
      for (const dependency of migration.dependencies) {
        if (!this.nodes.has(dependency)) {
          throw new MigrationError(
            `Migration ${migration.name} depends on ${dependency}, which is not in ${where}. Known migrations: ${this.names.join(', ')}.`,
          );
        }
        this.children.get(dependency)!.add(migration.name);
      }
    }
    this.checkCycles();
  }

  get names(): string[] {
    return [...this.nodes.keys()].sort();
  }

  get size(): number {
    return this.nodes.size;
  }

  get(name: string): Migration {
    const migration = this.nodes.get(name);
    if (!migration) throw new MigrationError(`There is no migration named ${name}. Known migrations: ${this.names.join(', ') || '(none)'}.`);
    return migration;
  }

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  /** Migrations nothing depends on; more than one means two branches that need a merge. */
  leafNodes(): string[] {
    return this.names.filter((name) => this.children.get(name)!.size === 0);
  }

  /** Everything `targets` need, then `targets`, each once. */
  forwardsPlan(...targets: string[]): string[] {
    const plan: string[] = [];
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const dependency of this.get(name).dependencies) visit(dependency);
      plan.push(name);
    };
    for (const target of targets) visit(target);
    return plan;
  }

  /** `target` and everything that depends on it, dependants first (the order to unapply them). */
  backwardsPlan(target: string): string[] {
    const plan: string[] = [];
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const child of [...this.children.get(name)!].sort()) visit(child);
      plan.push(name);
    };
    visit(target);
    return plan;
  }

  /** The project state once `names` (and what they need) are applied; every leaf when no name is given. */
  stateAt(names: readonly string[] = this.leafNodes()): ProjectState {
    let state = new ProjectState();
    for (const name of this.forwardsPlan(...names)) state = this.get(name).applyToState(state);
    return state;
  }

  private checkCycles(): void {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') throw new MigrationError(`Migrations depend on each other in a circle: ${[...path, name].join(' -> ')}.`);
      state.set(name, 'visiting');
      for (const dependency of this.get(name).dependencies) visit(dependency, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of this.names) visit(name, []);
  }
}
