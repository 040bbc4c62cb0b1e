/**
 * JSON containment as PostgreSQL's `@>` defines it (and so Django's `contains` / `contained_by` on a
 * JSONField): an object contains another when it has each of its keys with a containing value; an array
 * contains another when each element of that one is contained in some element of this one; an array also
 * contains a single scalar it holds; scalars contain only themselves.
 */
export function jsonContains(container: unknown, contained: unknown): boolean {
  if (Array.isArray(container)) {
    if (Array.isArray(contained)) return contained.every((item) => container.some((candidate) => jsonContains(candidate, item)));
    if (contained === null || typeof contained !== 'object') return container.some((candidate) => !isStructured(candidate) && candidate === contained);
    return false;
  }
  if (isStructured(container) && isStructured(contained) && !Array.isArray(contained)) {
    const object = container as Record<string, unknown>;
    return Object.entries(contained as Record<string, unknown>).every(
      ([key, value]) => Object.prototype.hasOwnProperty.call(object, key) && jsonContains(object[key], value),
    );
  }
  return !isStructured(container) && !isStructured(contained) && container === contained;
}

function isStructured(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}

/** The SQL function's view: JSON texts in, 1 / 0 out, NULL when either side is SQL NULL. */
export function sqlJsonContains(container: unknown, contained: unknown): number | null {
  if (container === null || contained === null || container === undefined || contained === undefined) return null;
  return jsonContains(JSON.parse(String(container)), JSON.parse(String(contained))) ? 1 : 0;
}
