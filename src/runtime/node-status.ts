import type { Node } from './red';

/** Counts shown under a webhook node: the path while listening, then what came in. */
export class StatusCounter {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly node: Node,
    private readonly path: string,
    private readonly verified: boolean,
  ) {}

  listening(): void {
    this.show();
  }

  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    this.show();
  }

  private show(): void {
    const parts = [...this.counts].map(([label, n]) => `${n} ${label}`);
    const text = [this.path, ...parts].join(' · ') + (this.verified ? '' : ' (unverified)');
    this.node.status({ fill: this.verified ? 'green' : 'yellow', shape: 'dot', text });
  }
}
