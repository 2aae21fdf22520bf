/**
 * State a webhook node keeps across redeploys of the same node id: a provider retrying
 * after a redeploy is still recognized, and multipart parts already acknowledged are not
 * lost. Dropped when the node is removed.
 */
export class NodeMemory<T> {
  private readonly byId = new Map<string, T>();

  constructor(private readonly create: () => T) {}

  get(id: string): T {
    let state = this.byId.get(id);
    if (!state) {
      state = this.create();
      this.byId.set(id, state);
    }
    return state;
  }

  delete(id: string): T | undefined {
    const state = this.byId.get(id);
    this.byId.delete(id);
    return state;
  }
}
