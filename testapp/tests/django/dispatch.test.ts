/**
 * Ports of Django's tests/dispatch/tests.py and of the async receiver tests of tests/signals/tests.py: the
 * Signal dispatcher on its own, no database.
 *
 * Not ported:
 * - test_garbage_collected, test_cached_garbaged_collected, the weak part of test_multiple_registration and of
 *   test_disconnection: receivers are held strongly (no `weak` option; see src/models/signals.ts for why).
 * - ReceiverTestCase (the @receiver decorator): TypeScript has no decorators for plain functions; connect()
 *   is the one way to connect.
 */
import { Signal } from '../../../src';

type ValArgs = { val: unknown };

function receiver1Arg({ val }: ValArgs): unknown {
  return val;
}

/** Django's `Callable` test receivers are objects; here, distinct functions. */
function callable(): (args: ValArgs) => unknown {
  return ({ val }) => val;
}

function assertTestIsClean(signal: Signal<any, any>): void {
  expect(signal.hasListeners()).toBe(false);
  expect(signal.hasListeners({})).toBe(false);
}

describe('dispatch.tests.DispatcherTests', () => {
  const self = { name: 'the sender' };
  let aSignal: Signal<ValArgs, unknown>;
  beforeEach(() => {
    aSignal = new Signal<ValArgs, unknown>('aSignal');
  });

  test('dispatch.tests.DispatcherTests.test_exact', () => {
    aSignal.connect(receiver1Arg, { sender: self });
    expect(aSignal.send(self, { val: 'test' })).toEqual([[receiver1Arg, 'test']]);
    // Another sender does not reach it.
    expect(aSignal.send({}, { val: 'test' })).toEqual([]);
    aSignal.disconnect(receiver1Arg, { sender: self });
    assertTestIsClean(aSignal);
  });

  test('dispatch.tests.DispatcherTests.test_ignored_sender', () => {
    aSignal.connect(receiver1Arg);
    expect(aSignal.send(self, { val: 'test' })).toEqual([[receiver1Arg, 'test']]);
    aSignal.disconnect(receiver1Arg);
    assertTestIsClean(aSignal);
  });

  test('dispatch.tests.DispatcherTests.test_multiple_registration', () => {
    const a = callable();
    for (let i = 0; i < 6; i++) aSignal.connect(a);
    expect(aSignal.send(self, { val: 'test' })).toHaveLength(1);
    aSignal.disconnect(a);
    assertTestIsClean(aSignal);
  });

  test('dispatch.tests.DispatcherTests.test_uid_registration', () => {
    const calls: string[] = [];
    aSignal.connect(() => calls.push('first'), { dispatchUid: 'uid' });
    aSignal.connect(() => calls.push('second'), { dispatchUid: 'uid' });
    aSignal.send(self, { val: null });
    expect(calls).toEqual(['first']);
    expect(aSignal.disconnect(null, { dispatchUid: 'uid' })).toBe(true);
    assertTestIsClean(aSignal);
  });

  test('dispatch.tests.DispatcherTests.test_robust', () => {
    function fails(): never {
      throw new RangeError('this');
    }
    const after = callable();
    aSignal.connect(fails);
    aSignal.connect(after);
    const result = aSignal.sendRobust(self, { val: 'test' });
    const [[receiver, error], [, value]] = result as [[unknown, Error], [unknown, unknown]];
    expect(receiver).toBe(fails);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('this');
    expect(error.stack).toContain('fails');
    // The receivers after the failing one still ran.
    expect(value).toBe('test');
    // send() itself lets the error through.
    expect(() => aSignal.send(self, { val: 'test' })).toThrow(RangeError);
    aSignal.disconnect(fails);
    aSignal.disconnect(after);
    assertTestIsClean(aSignal);
  });

  test('dispatch.tests.DispatcherTests.test_disconnection', () => {
    const [receiver1, receiver2, receiver3] = [callable(), callable(), callable()];
    aSignal.connect(receiver1);
    aSignal.connect(receiver2);
    aSignal.connect(receiver3);
    aSignal.disconnect(receiver1);
    expect(aSignal.send(self, { val: 1 }).map(([receiver]) => receiver)).toEqual([receiver2, receiver3]);
    aSignal.disconnect(receiver2);
    aSignal.disconnect(receiver3);
    assertTestIsClean(aSignal);
  });

  test('dispatch.tests.DispatcherTests.test_values_returned_by_disconnection', () => {
    const [receiver1, receiver2] = [callable(), callable()];
    aSignal.connect(receiver1);
    expect(aSignal.disconnect(receiver1)).toBe(true);
    expect(aSignal.disconnect(receiver2)).toBe(false);
    assertTestIsClean(aSignal);
  });

  test('dispatch.tests.DispatcherTests.test_has_listeners', () => {
    expect(aSignal.hasListeners()).toBe(false);
    expect(aSignal.hasListeners({})).toBe(false);
    const receiver1 = callable();
    aSignal.connect(receiver1);
    expect(aSignal.hasListeners()).toBe(true);
    expect(aSignal.hasListeners({})).toBe(true);
    aSignal.disconnect(receiver1);
    assertTestIsClean(aSignal);
  });

  test('a receiver connected for one sender is a listener for that sender only', () => {
    aSignal.connect(receiver1Arg, { sender: self });
    expect(aSignal.hasListeners(self)).toBe(true);
    expect(aSignal.hasListeners({})).toBe(false);
    // Without a sender: receivers for any sender only, as Django's has_listeners(sender=None).
    expect(aSignal.hasListeners()).toBe(false);
    // Disconnecting needs the same sender.
    expect(aSignal.disconnect(receiver1Arg)).toBe(false);
    expect(aSignal.disconnect(receiver1Arg, { sender: self })).toBe(true);
  });

  test('receivers get the signal and the sender with the arguments', () => {
    const seen: unknown[] = [];
    aSignal.connect((args) => seen.push(args));
    aSignal.send(self, { val: 7 });
    expect(seen).toEqual([{ val: 7, signal: aSignal, sender: self }]);
  });

  test('connect() takes functions only', () => {
    expect(() => aSignal.connect('receiver' as never)).toThrow(/aSignal.connect\(\) takes a function; got string/);
    expect(() => aSignal.disconnect()).toThrow(/needs the receiver or a dispatchUid/);
  });
});

/** Django's SyncHandler / AsyncHandler: count their calls. */
function syncHandler(): (args: object) => number {
  let param = 0;
  return function syncHandler() {
    return ++param;
  };
}
function asyncHandler(): (args: object) => Promise<number> {
  let param = 0;
  return async function asyncHandler() {
    return ++param;
  };
}

describe('signals.tests.AsyncReceiversTests', () => {
  const sender = { name: 'AsyncReceiversTests' };

  test('signals.tests.AsyncReceiversTests.test_asend', async () => {
    const sync = syncHandler();
    const async = asyncHandler();
    const signal = new Signal<{}, unknown>();
    signal.connect(sync);
    signal.connect(async);
    expect(await signal.asend(sender, {})).toEqual([
      [sync, 1],
      [async, 1],
    ]);
  });

  test('signals.tests.AsyncReceiversTests.test_asend_only_async_receivers', async () => {
    const async = asyncHandler();
    const signal = new Signal<{}, unknown>();
    signal.connect(async);
    expect(await signal.asend(sender, {})).toEqual([[async, 1]]);
  });

  test('signals.tests.AsyncReceiversTests.test_asend_robust', async () => {
    const receiverException = new Error('receiver exception');
    async function failingAsyncHandler(): Promise<never> {
      throw receiverException;
    }
    const async = asyncHandler();
    const sync = syncHandler();
    const signal = new Signal<{}, unknown>();
    signal.connect(failingAsyncHandler);
    signal.connect(async);
    signal.connect(sync);
    // In connection order (Django lists its sync receivers first, an artefact of running them apart).
    expect(await signal.asendRobust(sender, {})).toEqual([
      [failingAsyncHandler, receiverException],
      [async, 1],
      [sync, 1],
    ]);
  });

  test('signals.tests.AsyncReceiversTests.test_asend_robust_only_async_receivers', async () => {
    const async = asyncHandler();
    const signal = new Signal<{}, unknown>();
    signal.connect(async);
    expect(await signal.asendRobust(sender, {})).toEqual([[async, 1]]);
  });

  // Django's send() runs async receivers through async_to_sync. Here send() refuses them before calling any
  // receiver: nothing would wait for the Promise (the ORM sends model signals synchronously).
  test('signals.tests.AsyncReceiversTests.test_send (send() refuses async receivers; asend() runs them)', () => {
    const sync = syncHandler();
    const async = asyncHandler();
    const signal = new Signal<{}, unknown>('orderPlaced');
    signal.connect(sync);
    signal.connect(async);
    expect(() => signal.send(sender, {})).toThrow(
      /orderPlaced receiver 'asyncHandler' is an async function, but orderPlaced.send\(\) calls receivers synchronously.*await orderPlaced.asend\(\)/,
    );
    // Refused before any receiver ran.
    expect(sync({})).toBe(1);
  });

  test('signals.tests.AsyncReceiversTests.test_send_robust (an async receiver gets the refusal as its result)', () => {
    const async = asyncHandler();
    const sync = syncHandler();
    const signal = new Signal<{}, unknown>();
    signal.connect(async);
    signal.connect(sync);
    const [[first, refusal], [second, value]] = signal.sendRobust(sender, {}) as [[unknown, unknown], [unknown, unknown]];
    expect([first, second, value]).toEqual([async, sync, 1]);
    expect(refusal).toBeInstanceOf(TypeError);
  });

  test('a plain function that returns a Promise is refused too, and its Promise is not left unhandled', async () => {
    const signal = new Signal<{}, unknown>('refreshed');
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      signal.connect(function later() {
        return Promise.reject(new Error('too late'));
      });
      expect(() => signal.send(sender, {})).toThrow(/refreshed receiver 'later' returned a Promise/);
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});
