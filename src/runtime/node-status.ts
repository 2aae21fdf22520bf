import type { Node, NodeStatus } from './red';

/** Something wrong with the node's own settings, shown until a deploy fixes it. */
export interface SetupProblem {
  fill: 'red' | 'yellow';
  text: string;
}

/**
 * Counts shown under a webhook node: the path while listening, then what came in. A refused
 * request turns the dot into a yellow ring naming the reason until a request is accepted
 * again; a problem with the node's settings (a shared path, a mismatched account) comes first.
 */
export class StatusCounter {
  private readonly counts = new Map<string, number>();
  private lastRefusal?: string;
  private problem?: SetupProblem;
  private store?: string;

  constructor(
    private readonly node: Node,
    private readonly path: string,
    private readonly verified: boolean,
  ) {}

  /** The sms store's kind, shown beside the path until the first request (SPEC §7). */
  setStore(kind: string): void {
    this.store = kind;
  }

  listening(): void {
    this.show();
  }

  add(label: string): void {
    this.count(label);
    this.lastRefusal = undefined;
    this.show();
  }

  /** A refused request: `reason` in a few words, e.g. "403 bad signature". */
  refused(reason: string): void {
    this.count('rejected');
    this.lastRefusal = reason;
    this.show();
  }

  setProblem(problem: SetupProblem | undefined): void {
    if (problem?.text === this.problem?.text && problem?.fill === this.problem?.fill) return;
    this.problem = problem;
    this.show();
  }

  private count(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  private show(): void {
    const parts = [...this.counts].map(([label, n]) => `${n} ${label}`);
    let status: NodeStatus;
    if (this.problem) {
      status = { fill: this.problem.fill, shape: 'ring', text: [this.problem.text, ...parts].join(' · ') };
    } else if (this.lastRefusal) {
      status = { fill: 'yellow', shape: 'ring', text: [this.lastRefusal, ...parts].join(' · ') };
    } else {
      const text = [this.path, ...(parts.length === 0 && this.store ? [this.store] : []), ...parts].join(' · ') + (this.verified ? '' : ' (unverified)');
      status = { fill: this.verified ? 'green' : 'yellow', shape: 'dot', text };
    }
    this.node.status(status);
  }
}
