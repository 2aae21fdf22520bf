import type MustacheModule from 'mustache';
import { lazyRequire } from '../../runtime/lazy-require';

/** Loaded on the first template, not with the package. */
const mustache = lazyRequire<typeof MustacheModule>('mustache');

/**
 * Renders a mustache template over `msg`. No HTML escaping: this is SMS text, and
 * `Tom & Jerry` must arrive as written (TwiML escaping happens when the XML is built).
 */
export function renderText(template: string, view: object): string {
  // Every mustache tag (delimiter changes included) starts with `{{`: fixed text is the
  // common case of an auto-responder and needs no render.
  if (!template.includes('{{')) return template;
  return mustache().render(template, view, undefined, { escape: (value: string) => String(value) });
}
