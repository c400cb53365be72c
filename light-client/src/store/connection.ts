/**
 * A database connection opened on first use. One that failed to open, or closed itself so that
 * another tab of the origin (another build of the site) could upgrade the database, is opened
 * again on the next use instead of blocking that tab or failing every later call.
 */
export class LazyConnection<T extends { close(): void }> {
  private current: Promise<T> | null = null;

  /** `open` gets the callback to run when the connection closes itself. */
  constructor(private readonly open: (onClosed: () => void) => Promise<T>) {}

  get(): Promise<T> {
    if (!this.current) {
      const opening: Promise<T> = this.open(() => {
        if (this.current === opening) this.current = null;
      });
      this.current = opening;
      opening.catch(() => {
        if (this.current === opening) this.current = null;
      });
    }
    return this.current;
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = null;
    if (c) (await c.catch(() => null))?.close();
  }
}
