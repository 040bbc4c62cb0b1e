import { ImproperlyConfigured } from '../errors';
import type { ModelClass } from './types';

/**
 * Every model class known to this thread, by label (the class name, or `meta.label`). Two different
 * classes under one label is a configuration error; `close()` clears the registry.
 */
const models = new Map<string, ModelClass>();
let version = 0;

export function registerModel(model: ModelClass, label: string): void {
  const existing = models.get(label);
  if (existing === model) return;
  if (existing) {
    throw new ImproperlyConfigured(
      `Two different models are registered as '${label}'. Give one of them another class name or a distinct meta.label.`,
    );
  }
  models.set(label, model);
  version++;
}

export function getModel(label: string): ModelClass {
  const model = models.get(label);
  if (!model) {
    const known = [...models.keys()].sort().join(', ') || '(none)';
    throw new ImproperlyConfigured(`No model is registered as '${label}'. Registered models: ${known}.`);
  }
  return model;
}

export function allModels(): ModelClass[] {
  return [...models.values()];
}

/** Changes whenever a model is registered; caches derived from the whole registry compare it. */
export function registryVersion(): number {
  return version;
}

export function clearRegistry(): void {
  models.clear();
  version++;
}
