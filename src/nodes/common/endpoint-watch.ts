import { afterEachDeploy } from '../../runtime/flow-events';
import { StatusCounter } from '../../runtime/node-status';
import type { Node, NodeAPI } from '../../runtime/red';
import { type Refusal, RefusalWarnings } from '../../http/refusals';
import { type PathNeighbour, describeNeighbour, neighboursOnPath } from './shared-path';

/** What a running webhook node tells the SMS sidebar about its endpoint (`node.smsEndpoint`). */
export interface EndpointReport {
  /** Why the node refuses every request (its settings disagree), if it does. */
  problem?: string;
  /** The other running nodes on its path. */
  sharedWith: PathNeighbour[];
}

/** What a webhook node shows in the editor about its endpoint. */
export interface EndpointWatch {
  counter: StatusCounter;
  /** A refused request: status ring and a rate-limited warning. */
  refused(refusal: Refusal): void;
  close(): void;
}


/**
 * The status and warnings of a webhook node: counts, refused requests, and whether another
 * node listens on the same path (judged after each deploy, when every node has started).
 */
export function watchEndpoint(
  RED: NodeAPI,
  node: Node & { smsEndpoint?: () => EndpointReport },
  path: string,
  verified: boolean,
  problem?: { short: string; sentence: string },
): EndpointWatch {
  const counter = new StatusCounter(node, path, verified);
  const warnings = new RefusalWarnings(node);
  let shared: PathNeighbour[] = [];
  let warned = '';

  const checkPath = (): void => {
    shared = neighboursOnPath(RED, node.id, path);
    if (problem) return;
    if (!shared.length) {
      warned = '';
      counter.setProblem(undefined);
      return;
    }
    const first = describeNeighbour(shared[0], path);
    const more = shared.length > 1 ? ` and ${shared.length - 1} more` : '';
    counter.setProblem({ fill: 'yellow', text: `path shared with ${first}${more}` });
    const all = shared.map((n) => describeNeighbour(n, path)).join(', ');
    if (all === warned) return;
    warned = all;
    node.warn(
      `another node listens on ${path} too (${all}): only the one that started first gets the requests. Give each node its own path`,
    );
  };
  const stopChecking = afterEachDeploy(RED, checkPath);
  // Settings that cannot work outrank a shared path: this node takes no request anyway.
  if (problem) counter.setProblem({ fill: 'red', text: problem.short });
  node.smsEndpoint = () => ({ ...(problem ? { problem: problem.sentence } : {}), sharedWith: shared });

  return {
    counter,
    refused(refusal) {
      counter.refused(refusal.reason);
      warnings.warn(refusal);
    },
    close() {
      stopChecking();
    },
  };
}
