import { AsyncLocalStorage } from 'node:async_hooks';
import type { PendingCall } from './calls';

/**
 * An aatomic() block: the outermost one owns the transaction, nested ones are savepoints in it. Calls made
 * (however deeply) inside a block's callback carry it, through AsyncLocalStorage.
 */
export interface Block {
  readonly transaction: Transaction;
  readonly parent: Block | null;
  /** 1 for the outermost block. */
  readonly depth: number;
  /** Set once its commit or rollback is queued: later calls from its callback belong to the parent. */
  closing: boolean;
}

/**
 * The calls of one async transaction, in the order they were made, and which block may run now.
 *
 * SQLite savepoints nest like a stack, so blocks that run side by side (`Promise.all` of nested aatomic()
 * calls) cannot each hold a savepoint at the same time: one rolling back would undo the other. Instead the
 * blocks of a transaction take turns. Only the innermost open block (`current`) sends calls; a child block
 * opens only when its parent is current, and the parent's own calls wait while a child is open. Each block
 * then rolls back exactly its own work.
 */
export class Transaction {
  readonly root: Block;
  /** The database alias whose writer this transaction holds. */
  readonly alias: string;
  /** The open block of another database's transaction this one was started in, if any. */
  readonly enclosing: Block | null;
  /** The block whose calls may run; null before the transaction began and after it ended. */
  current: Block | null = null;
  /** Calls of this transaction not yet sent, oldest first. */
  readonly queue: PendingCall[] = [];
  /** Why the transaction was lost; every later call of it is refused with this error. */
  broken: Error | null = null;
  finished = false;

  constructor(alias: string, enclosing: Block | null = null) {
    this.alias = alias;
    this.enclosing = enclosing;
    this.root = { transaction: this, parent: null, depth: 1, closing: false };
  }

  child(parent: Block): Block {
    return { transaction: this, parent, depth: parent.depth + 1, closing: false };
  }

  /**
   * The queued calls that may be sent now, in order: those of the current block, up to and including the
   * first step that opens or closes a block (which changes the current block once it is sent).
   */
  takeSendable(): PendingCall[] {
    const taken: PendingCall[] = [];
    for (let i = 0; i < this.queue.length; ) {
      const call = this.queue[i]!;
      const payload = call.payload;
      const control = payload.kind === 'transaction';
      const opens = control && payload.op === 'begin';
      const ready = opens ? call.block!.parent === this.current : call.block === this.current;
      if (!ready) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      taken.push(call);
      if (control) {
        this.current = opens ? call.block : call.block!.parent;
        break;
      }
    }
    return taken;
  }

  /** The transaction is lost: queued calls are refused; only the outermost rollback may still go. */
  break(reason: Error, reject: (call: PendingCall, error: Error) => void): void {
    if (this.broken) return;
    this.broken = reason;
    this.current = this.root;
    for (const call of this.queue.splice(0)) reject(call, reason);
  }
}

/** A block's outermost rollback, the one step a broken transaction still sends (to end it on the worker). */
export function isFinalRollback(call: PendingCall): boolean {
  const payload = call.payload;
  return payload.kind === 'transaction' && payload.op === 'rollback' && call.block!.depth === 1;
}

const storage = new AsyncLocalStorage<Block>();

/**
 * The open block on `alias` a call made here belongs to (blocks whose callback has finished hand over to their
 * parent; a transaction on another database started inside one hands over to the block it was started in).
 */
export function currentBlock(alias: string): Block | null {
  let block = storage.getStore() ?? null;
  while (block && (block.closing || block.transaction.finished || block.transaction.alias !== alias)) {
    block = block.parent ?? block.transaction.enclosing;
  }
  return block;
}

/** The innermost open block of any database, where a new aatomic() block starts. */
export function innermostBlock(): Block | null {
  let block = storage.getStore() ?? null;
  while (block && (block.closing || block.transaction.finished)) block = block.parent ?? block.transaction.enclosing;
  return block;
}

export function runInBlock<T>(block: Block, fn: () => T): T {
  return storage.run(block, fn);
}
