import { ImproperlyConfigured } from '../errors';
import type { ModelClass } from './types';

/**
 * A registry of model classes by label (the class name, or `meta.label`), Django's `Apps`. The project's
 * models live in one shared registry; migrations render the models of a past state into a registry of
 * their own (`meta.apps`), so a historical `Pizza` never meets the current one. Two different classes
 * under one label of one registry is a configuration error.
 */
export class Apps {
  private readonly models = new Map<string, ModelClass>();
  private changes = 0;

  constructor(
    /** How errors name this registry: '' for the project's, else e.g. 'the migration state after 0002_pizza_size'. */
    readonly description = '',
  ) {}

  register(model: ModelClass, label: string): void {
    const existing = this.models.get(label);
    if (existing === model) return;
    if (existing) {
      throw new ImproperlyConfigured(
        `Two different models are registered as '${label}'${this.where}. Give one of them another class name or a distinct meta.label.`,
      );
    }
    this.models.set(label, model);
    this.changes++;
  }

  getModel(label: string): ModelClass {
    const model = this.models.get(label);
    if (!model) {
      const known = [...this.models.keys()].sort().join(', ') || '(none)';
      throw new ImproperlyConfigured(`No model is registered as '${label}'${this.where}. Registered models: ${known}.`);
    }
    return model;
  }

  findModel(label: string): ModelClass | undefined {
    return this.models.get(label);
  }

  allModels(): ModelClass[] {
    return [...this.models.values()];
  }

  /** Changes whenever a model is registered; caches derived from the whole registry compare it. */
  get version(): number {
    return this.changes;
  }

  clear(): void {
    this.models.clear();
    this.changes++;
  }

  private get where(): string {
    return this.description ? ` in ${this.description}` : '';
  }
}

/** The project's models: every model class of this thread that does not name other `meta.apps`. */
export const projectApps = new Apps();

export function registerModel(model: ModelClass, label: string): void {
  projectApps.register(model, label);
}

export function getModel(label: string): ModelClass {
  return projectApps.getModel(label);
}

export function allModels(): ModelClass[] {
  return projectApps.allModels();
}

/** Changes whenever a model is registered; caches derived from the whole registry compare it. */
export function registryVersion(): number {
  return projectApps.version;
}

export function clearRegistry(): void {
  projectApps.clear();
}
