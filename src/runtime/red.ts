import type { Express, Request, Response } from 'express';
import type { Server } from 'node:net';

// The small part of Node-RED's runtime API these nodes use. Node-RED ships no types of
// its own, and the DefinitelyTyped ones describe Node-RED 1.x.

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFn = (msg: NodeMessage | (NodeMessage | null)[]) => void;
export type DoneFn = (err?: Error) => void;

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  topic?: string;
  req?: Request;
  res?: ResponseWrapper;
  [key: string]: unknown;
}

/** The `msg.res` shape core `http in` gives: the live response on `_res`. */
export interface ResponseWrapper {
  _res: Response;
  [key: string]: unknown;
}

export interface Node<Creds = Record<string, string | undefined>> {
  id: string;
  type: string;
  name?: string;
  z?: string;
  wires: string[][];
  credentials: Creds;
  send(msg: NodeMessage | (NodeMessage | null)[]): void;
  status(status: NodeStatus | string): void;
  warn(msg: unknown): void;
  log(msg: unknown): void;
  error(msg: unknown, sourceMsg?: NodeMessage): void;
  on(event: 'input', cb: (msg: NodeMessage, send: SendFn, done: DoneFn) => void | Promise<void>): void;
  on(event: 'close', cb: (removed: boolean, done: () => void) => void): void;
  on(event: string, cb: (...args: never[]) => void): void;
}

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    registerType(
      type: string,
      ctor: unknown,
      opts?: {
        credentials?: Record<string, { type: 'text' | 'password' }>;
        /** Exported to the editor's RED.settings when `exportable`; names start with the type, camel-cased. */
        settings?: Record<string, { value: unknown; exportable?: boolean }>;
      },
    ): void;
    getNode(id: string): Node | null;
    /** Every node of the deployed flows, as its flow JSON. */
    eachNode(cb: (def: NodeDef) => void): void;
  };
  /** The server Node-RED listens on (http or https). */
  server?: Server;
  plugins?: { registerPlugin(id: string, definition: Record<string, unknown>): void };
  httpNode: Express;
  httpAdmin: Express;
  settings: {
    httpNodeRoot?: string | false;
    httpNodeCors?: unknown;
    httpNodeMiddleware?: unknown;
    [key: string]: unknown;
  };
  util: {
    generateId(): string;
    cloneMessage<T>(msg: T): T;
    evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage, cb: (err: Error | null, result: unknown) => void): void;
  };
  events: {
    on(event: string, cb: (...args: unknown[]) => void): void;
    removeListener(event: string, cb: (...args: unknown[]) => void): void;
  };
  auth?: { needsPermission(permission: string): (req: Request, res: Response, next: () => void) => void };
  comms?: { publish(topic: string, data: unknown, retain?: boolean): void };
  /** Node-RED's message hooks (onSend, onComplete, …), Node-RED ≥ 2. */
  hooks?: { add(id: string, cb: (event: never) => unknown): void; remove(id: string): void };
  log?: { info(msg: unknown): void; warn(msg: unknown): void; error(msg: unknown): void };
}
