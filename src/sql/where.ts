import type { Expression } from './expressions';
import { callable } from './expressions';
import type { Lookup } from './lookups/lookup';
import type { Query } from './query';

/**
 * A filter as users write it: lookups objects combined with and / or / not. `L` records the lookups written
 * (a phantom), so the queryset a Q is given to can check its keys against its model.
 */
export class QNode<L = any> {
  declare readonly '~lookups': L;
  readonly children: Array<[string, unknown] | QNode>;
  readonly connector: 'AND' | 'OR';
  readonly negated: boolean;

  constructor(lookups: L = {} as L, connector: 'AND' | 'OR' = 'AND', negated = false) {
    if (lookups === null || typeof lookups !== 'object' || Array.isArray(lookups)) {
      throw new TypeError('Q() takes an object of lookups, e.g. Q({ name__startswith: "M" }).');
    }
    this.children = Object.entries(lookups as Record<string, unknown>);
    this.connector = connector;
    this.negated = negated;
  }

  private static combine(children: Array<[string, unknown] | QNode>, connector: 'AND' | 'OR', negated = false): QNode {
    const node = new QNode({}, connector, negated);
    node.children.push(...children);
    return node;
  }

  and<L2 extends object>(other: QNode<L2> | L2): QNode<L & L2> {
    return QNode.combine([this, asQ(other)], 'AND');
  }

  or<L2 extends object>(other: QNode<L2> | L2): QNode<L & L2> {
    return QNode.combine([this, asQ(other)], 'OR');
  }

  not(): QNode<L> {
    return QNode.combine([this], 'AND', true);
  }

  get isEmpty(): boolean {
    return this.children.length === 0;
  }
}

function asQ(value: unknown): QNode {
  if (value instanceof QNode) return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) return new QNode(value as Record<string, unknown>);
  throw new TypeError('Q.and()/or() take another Q or a lookups object.');
}

/** `Q({ name: 'a' })`, with or without `new`; the keys are checked where the Q is used (`filter(Q(...))`). */
export const Q = callable(QNode) as unknown as typeof QNode & (<L extends object = {}>(lookups?: L) => QNode<L>);

/** One resolved condition: `lhs <lookup> rhs`, ready for the compiler (a Lookup instance). */
export type Condition = Lookup;

/** A resolved boolean tree of conditions. */
export interface WhereNode {
  kind: 'node';
  connector: 'AND' | 'OR';
  negated: boolean;
  children: Array<WhereNode | Condition>;
}

export function emptyWhere(): WhereNode {
  return { kind: 'node', connector: 'AND', negated: false, children: [] };
}

export function andWhere(left: WhereNode, right: WhereNode): WhereNode {
  if (left.children.length === 0) return right;
  if (right.children.length === 0) return left;
  if (!left.negated && left.connector === 'AND') return { ...left, children: [...left.children, right] };
  return { kind: 'node', connector: 'AND', negated: false, children: [left, right] };
}

export function whereContainsAggregate(node: WhereNode | Condition): boolean {
  if (node.kind === 'condition') return node.containsAggregate;
  return node.children.some(whereContainsAggregate);
}

/** Rebinds every expression in a tree (used when a subquery learns its outer query). */
export function mapWhere(node: WhereNode, map: (expression: Expression) => Expression, mapQuery: (query: Query) => Query): WhereNode {
  return {
    ...node,
    children: node.children.map((child) => {
      if (child.kind === 'node') return mapWhere(child, map, mapQuery);
      const rhs = isExpression(child.rhs) ? map(child.rhs) : isQuery(child.rhs) ? mapQuery(child.rhs) : child.rhs;
      return child.relabeled(map(child.lhs), rhs);
    }),
  };
}

function isExpression(value: unknown): value is Expression {
  return typeof value === 'object' && value !== null && typeof (value as Expression).compile === 'function' && typeof (value as Expression).resolve === 'function';
}

function isQuery(value: unknown): value is Query {
  return typeof value === 'object' && value !== null && typeof (value as Query).resolveRef === 'function';
}
