/**
 * Undo/redo as a stack of commands over an immutable state: a command records the state before
 * and after it, so undo and redo are exact and never re-run an edit.
 */
export interface Command<S> { readonly label: string; readonly before: S; readonly after: S }

export class History<S> {
  #state: S;
  #done: Command<S>[] = [];
  #undone: Command<S>[] = [];

  constructor(initial: S, readonly limit = 500) {
    this.#state = initial;
  }

  get state(): S { return this.#state; }
  get undoLabel(): string | undefined { return this.#done[this.#done.length - 1]?.label; }
  get redoLabel(): string | undefined { return this.#undone[this.#undone.length - 1]?.label; }

  /** Applies an edit; an edit that changes nothing is not recorded. */
  do(label: string, after: S): boolean {
    if (after === this.#state) return false;
    this.#done.push({ label, before: this.#state, after });
    if (this.#done.length > this.limit) this.#done.shift();
    this.#undone = [];
    this.#state = after;
    return true;
  }

  /** Returns the label of the undone command. */
  undo(): string | undefined {
    const c = this.#done.pop();
    if (!c) return undefined;
    this.#undone.push(c);
    this.#state = c.before;
    return c.label;
  }

  redo(): string | undefined {
    const c = this.#undone.pop();
    if (!c) return undefined;
    this.#done.push(c);
    this.#state = c.after;
    return c.label;
  }
}
