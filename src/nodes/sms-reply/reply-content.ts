import { ReplyError } from '../../providers/types';
import type { Node, NodeAPI, NodeDef, NodeMessage } from '../../runtime/red';
import { renderText } from './template';

/** Where Text / Media URL come from (TypedInput): `str` is the value typed in (Text: a template). */
const SOURCES = ['str', 'msg', 'flow', 'global', 'env'];

function sourceOf(type: unknown): string {
  return typeof type === 'string' && SOURCES.includes(type) ? type : 'str';
}

function asText(value: unknown, where: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ReplyError(`${where} must be the reply text (a string), or set the Text of the sms reply node`, { reason: 'text is not a string' });
}

function asMedia(value: unknown): string[] {
  if (typeof value === 'string' && value) return [value];
  if (Array.isArray(value)) return value.filter((m): m is string => typeof m === 'string' && m.length > 0);
  return [];
}

export interface ReplyContent {
  /** Text: the template, or the msg/flow/global/env property it names; when empty, msg.payload. */
  textOf(msg: NodeMessage): Promise<string>;
  /** Media URL: as typed, or the property it names (a URL or a list); when empty, msg.media. */
  mediaOf(msg: NodeMessage): Promise<string[]>;
}

/**
 * The text and media of a reply from the `sms reply` settings `text`/`textType` and
 * `media`/`mediaType`. Flows saved before the types existed have none: `str`, as before.
 */
export function replyContent(RED: NodeAPI, node: Node, def: NodeDef): ReplyContent {
  const template = typeof def.text === 'string' ? def.text : '';
  const mediaUrl = typeof def.media === 'string' ? def.media.trim() : '';
  const textSource = sourceOf(def.textType);
  const mediaSource = sourceOf(def.mediaType);

  const evaluate = (value: string, type: string, msg: NodeMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      RED.util.evaluateNodeProperty(value, type, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
    });

  return {
    async textOf(msg) {
      if (!template) return asText(msg.payload, 'msg.payload');
      if (textSource === 'str') return renderText(template, msg);
      return asText(await evaluate(template, textSource, msg), `${textSource}.${template}`);
    },
    async mediaOf(msg) {
      if (!mediaUrl) return asMedia(msg.media);
      if (mediaSource === 'str') return [mediaUrl];
      return asMedia(await evaluate(mediaUrl, mediaSource, msg));
    },
  };
}
