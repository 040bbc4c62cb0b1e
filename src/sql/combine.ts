import { Col, Expression, type OrderBy } from './expressions';
import { Query, type Join } from './query';
import { mapWhere, type WhereNode } from './where';

/**
 * `qs1.or(qs2)` / `qs1.and(qs2)` as one query, Django's `Query.combine()`: the right-hand side's joins are
 * added to the left-hand side's (relabelled), and its conditions are joined to the left's by the connector.
 *
 * Join reuse follows Django. Under OR, each join of the left side may stand for one equal join of the right
 * side: one row satisfying either side is enough. A right side that joins one relation twice (two filter()
 * calls over a multi-valued relation) keeps two joins, so its rows are found as they were. Under AND every
 * multi-valued join of the right side is new: `a & b` over a to-many relation may match two different rows.
 * Under OR a join only one side needs becomes a LEFT join, so a row need not have it to match the other side.
 */
export function combineQueries(lhs: Query, rhs: Query, connector: 'AND' | 'OR'): void {
  const reusable = new Set(connector === 'OR' ? lhs.joins.map((join) => join.alias) : []);
  const innerOnLeft = new Set(lhs.joins.filter((join) => join.type === 'INNER').map((join) => join.alias));
  const innerOnRight = new Set<string>();
  const renamed = new Map<string, string>([[rhs.baseAlias, lhs.baseAlias]]);
  for (const join of rhs.joins) {
    const parentAlias = renamed.get(join.parentAlias) ?? join.parentAlias;
    const alias = lhs.join(
      {
        parentAlias, parentColumn: join.parentColumn, model: join.model, column: join.column, type: join.type,
        multiValued: join.multiValued, key: parentAlias + join.key.slice(join.parentAlias.length),
      },
      reusable,
    );
    // One join of the left side stands for one join of the right side, never two.
    reusable.delete(alias);
    renamed.set(join.alias, alias);
    if (join.type === 'INNER') innerOnRight.add(alias);
  }
  if (connector === 'OR') promoteOneSidedJoins(lhs, innerOnLeft, innerOnRight);
  const where = relabelWhere(rhs.where, renamed);
  lhs.where = { kind: 'node', connector, negated: false, children: [lhs.where, where] };
  // The right side's ordering, unless it has none (Django's rule).
  if (rhs.ordering?.length) {
    lhs.ordering = rhs.ordering.map((item) => (typeof item === 'string' ? item : (relabelExpression(item, renamed) as OrderBy)));
    lhs.orderingReversed = rhs.orderingReversed;
  }
}

/** Joins that are INNER on one side of an OR only, and every join hanging from a LEFT join, become LEFT. */
function promoteOneSidedJoins(query: Query, innerOnLeft: Set<string>, innerOnRight: Set<string>): void {
  const left = new Set<string>();
  query.joins = query.joins.map((join): Join => {
    const inner = join.type === 'INNER' && innerOnLeft.has(join.alias) && innerOnRight.has(join.alias) && !left.has(join.parentAlias);
    if (inner) return join;
    left.add(join.alias);
    return join.type === 'LEFT' ? join : { ...join, type: 'LEFT' };
  });
}

function relabelWhere(where: WhereNode, renamed: Map<string, string>): WhereNode {
  return mapWhere(where, (expression) => relabelExpression(expression, renamed), (query) => relabelQuery(query, renamed));
}

/**
 * A nested query (a subquery of the right side) keeps its own aliases; only its references to the right
 * side's tables (correlated columns) follow the relabelling.
 */
function relabelQuery(query: Query, renamed: Map<string, string>): Query {
  const copy = query.clone();
  copy.where = relabelWhere(query.where, renamed);
  copy.annotations = new Map(
    [...query.annotations].map(([name, annotation]) => [name, { ...annotation, expression: relabelExpression(annotation.expression, renamed) }]),
  );
  return copy;
}

function relabelExpression(expression: Expression, renamed: Map<string, string>): Expression {
  if (expression instanceof Col) {
    const alias = renamed.get(expression.alias);
    return alias === undefined ? expression : new Col(alias, expression.field);
  }
  const copy = Object.create(Object.getPrototypeOf(expression)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(expression)) {
    if (value instanceof Expression) copy[key] = relabelExpression(value, renamed);
    else if (Array.isArray(value)) copy[key] = value.map((item) => (item instanceof Expression ? relabelExpression(item, renamed) : item));
    else if (value instanceof Query) copy[key] = relabelQuery(value, renamed);
    else if (key === 'filterNode' && value) copy[key] = relabelWhere(value as WhereNode, renamed);
    else copy[key] = value;
  }
  return copy as unknown as Expression;
}
