import type { NodeAPI } from './red';

// One flows:started listener per runtime for every node of this package: one per node would
// pass Node's limit of ten listeners on RED.events, and Node-RED's log would warn of a leak
// ("MaxListenersExceededWarning") with the sixth sms in.
const runs = new WeakMap<object, Set<() => void>>();

/** Runs `run` after each deploy (once every node has started); the function returned stops it. */
export function afterEachDeploy(RED: NodeAPI, run: () => void): () => void {
  let set = runs.get(RED.events);
  if (!set) {
    const created = new Set<() => void>();
    set = created;
    runs.set(RED.events, created);
    RED.events.on('flows:started', () => {
      for (const r of [...created]) r();
    });
  }
  set.add(run);
  const mine = set;
  return () => {
    mine.delete(run);
  };
}
