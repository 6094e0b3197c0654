import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A library loaded the first time it is called for rather than when the bot starts: a start
 * that finds its prepared knowledge parses no YAML and converts no Chinese, and each of those
 * libraries takes tens of milliseconds to load. The library must ship a CommonJS build.
 */
export function loadOnUse<T>(specifier: string): () => T {
  let library: T | undefined;
  return () => (library ??= require(specifier) as T);
}
