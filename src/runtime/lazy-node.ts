import type { Node, NodeAPI, NodeDef } from './red';

/** What a node's code module gives: the constructor, made once per runtime. */
export type NodeFactory<N extends Node = Node> = (RED: NodeAPI) => (this: N, def: NodeDef) => void;

/**
 * Registers `type` with a constructor that asks `load` for the node's code when the first
 * node of the type starts. Node-RED requires every installed package at each start; a node
 * type that is not in the flows then costs nothing beyond its entry file.
 */
export function registerLazily<N extends Node>(RED: NodeAPI, type: string, load: () => NodeFactory<N>): void {
  let construct: ((this: N, def: NodeDef) => void) | undefined;
  function LazyNode(this: N, def: NodeDef): void {
    construct ??= load()(RED);
    construct.call(this, def);
  }
  RED.nodes.registerType(type, LazyNode);
}
