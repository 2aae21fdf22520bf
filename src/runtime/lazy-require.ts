/**
 * A module loaded on first use instead of when Node-RED loads the package: the provider
 * SDKs, body-parser and mustache each cost tens to hundreds of milliseconds to load, which
 * every Node-RED start would pay for a flow that may never need them.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return () => (loaded ??= require(id) as T);
}
