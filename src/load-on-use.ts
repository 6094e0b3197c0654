import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A library loaded the first time it is called for rather than when the bot starts: a start
 * that finds its prepared knowledge parses no YAML and converts no Chinese, and each of those
 * libraries takes tens of milliseconds to load. The library must ship a CommonJS build.
 */
export function loadOnUse<T>(specifier: string): () => T {
  let library: T | undefined;
  const load = () => (library ??= require(specifier) as T);
  loaders.push(load);
  return load;
}

const loaders: (() => unknown)[] = [];

/**
 * Loads every library declared with `loadOnUse` now: called once the bot is up, so that their
 * loading (a synchronous `require`, ~150 ms for all) blocks neither the start nor, later, the
 * first reload or question that needs one.
 */
export function loadEveryLibraryNow(): void {
  for (const load of loaders) load();
}
