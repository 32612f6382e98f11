import type { Task } from '../../shared/study/task.js';

/**
 * The tasks a cluster coordinator has taken from the lazy plan and has no row for yet: at most
 * `size` of them, so its memory and the work queue stay bounded however long the plan is. It is
 * refilled once half of it has its rows.
 */
export class TaskWindow {
  /** Taken and without a row, by task id: results are matched against these. */
  readonly pending = new Map<string, Task>();
  private readonly it: Iterator<Task>;
  private exhausted = false;
  private wake: (() => void) | null = null;

  constructor(
    tasks: Iterable<Task>,
    readonly size: number,
  ) {
    this.it = tasks[Symbol.iterator]();
  }

  /** Takes tasks from the plan until the window is full; returns those taken. */
  fill(): Task[] {
    const got: Task[] = [];
    while (!this.exhausted && this.pending.size < this.size) {
      const n = this.it.next();
      if (n.done) this.exhausted = true;
      else if (!this.pending.has(n.value.id)) {
        this.pending.set(n.value.id, n.value);
        got.push(n.value);
      }
    }
    return got;
  }

  /** Whether the plan has no more tasks to give. */
  get drained(): boolean {
    return this.exhausted;
  }

  /** Every task of the plan was taken and has its row. */
  get done(): boolean {
    return this.exhausted && this.pending.size === 0;
  }

  /** Resolves once half the window has its rows (or release() is called). */
  room(): Promise<void> {
    if (this.pending.size <= this.size / 2) return Promise.resolve();
    return new Promise((r) => {
      this.wake = r;
    });
  }

  /** A task got its row (it left `pending`). */
  taken(): void {
    if (this.pending.size <= this.size / 2) this.release();
  }

  /** Wakes a refill waiting for room: there is room, or the run is stopping. */
  release(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
