import type { Params } from './types';

/** The first value of a parameter that may repeat; `undefined` when absent. */
export function first(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0] : value;
}

/** A positive whole number from a string, else `fallback`. */
export function positiveInt(value: string | number | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first parameter name that arrived more than once, if any. */
export function repeatedName(params: Params): string | undefined {
  return Object.keys(params).find((name) => Array.isArray(params[name]));
}
