// Synchronisation for tests of concurrent deliveries: a test waits for the handler to be
// entered, and the handler for the test's word, instead of either sleeping.

/** A promise opened by hand. */
export interface Gate<T> {
  opened: Promise<T>;
  open(value: T): void;
}

export function gate<T = void>(): Gate<T> {
  let open: (value: T) => void = () => undefined;
  const opened = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * Calls in arrival order: `enter` is what the code under test calls (it waits for the test's
 * answer); `next` resolves with the next call, as soon as it arrives.
 */
export function calls<A, R>(): { enter(arg: A): Promise<R>; next(): Promise<{ arg: A; answer(value: R): void }> } {
  const arrived: { arg: A; answer(value: R): void }[] = [];
  const waiting: Gate<{ arg: A; answer(value: R): void }>[] = [];
  return {
    enter(arg) {
      const reply = gate<R>();
      const call = { arg, answer: reply.open };
      const waiter = waiting.shift();
      if (waiter) waiter.open(call);
      else arrived.push(call);
      return reply.opened;
    },
    next() {
      const call = arrived.shift();
      if (call) return Promise.resolve(call);
      const waiter = gate<{ arg: A; answer(value: R): void }>();
      waiting.push(waiter);
      return waiter.opened;
    },
  };
}

/**
 * Resolves after every promise job queued so far, and every job those queue, has run (the
 * microtask queue drains before a setImmediate callback). No timer and no I/O is waited for.
 */
export const drained = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
