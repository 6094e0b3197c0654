/**
 * Runs a CommonJS bundle the way `require` would, but compiled with V8 code cache: the machine
 * code V8 made for it in an earlier run. Node 20 caches the compiled code of its own modules
 * only, and `module.enableCompileCache()` arrives with Node 22; a bundle run through `vm.Script`
 * with `cachedData` gets the same on Node 20.
 *
 * The build makes the cache once (`writeCodeCache`), after running the bundle's top level, so the
 * cache holds every function the modules' set-up compiled, not only the outer ones.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import path from 'node:path';
import { Script, constants } from 'node:vm';

export interface CompiledBundle {
  /** Runs the bundle's top level once and returns its `module.exports`. */
  run(): unknown;
  /** True when a cache was given and V8 refused it (another Node version, other flags). */
  readonly cacheRejected: boolean;
  /** The code cache of everything compiled so far, for `compileBundle` to take next time. */
  createCache(): Buffer;
}

/** Compiles the CommonJS file `file`, with the code cache `cache` when there is one. */
export function compileBundle(file: string, cache?: Buffer): CompiledBundle {
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    ...(cache ? { cachedData: cache } : {}),
    // The bundle leaves a few libraries outside it and imports them when first needed.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  let exports: unknown;
  let ran = false;
  return {
    run() {
      if (ran) return exports;
      ran = true;
      const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
      const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
      wrapper.call(
        module.exports,
        module.exports,
        createRequire(file),
        module,
        file,
        path.dirname(file),
      );
      module.loaded = true;
      exports = module.exports;
      return exports;
    },
    cacheRejected: cache !== undefined && script.cachedDataRejected === true,
    createCache: () => script.createCachedData(),
  };
}

/** The code cache file kept beside `file`. */
export function codeCacheFile(file: string): string {
  return `${file}.v8-cache`;
}

/** Runs the top level of the bundle `file` and writes its code cache beside it. */
export function writeCodeCache(file: string): void {
  const bundle = compileBundle(file);
  bundle.run();
  writeFileSync(codeCacheFile(file), bundle.createCache());
}

/** The cache beside `file`, or undefined when there is none or it cannot be read. */
export function readCodeCache(file: string): Buffer | undefined {
  try {
    return readFileSync(codeCacheFile(file));
  } catch {
    return undefined;
  }
}

/**
 * True when the bundle `file` exists and is not older than `lastCompile` (the compiler's build
 * record): a bundle left from before a compile run alone would run code that is gone.
 */
export function isCurrentBundle(file: string, lastCompile: string): boolean {
  const bundle = statSync(file, { throwIfNoEntry: false });
  if (!bundle) return false;
  const compiled = statSync(lastCompile, { throwIfNoEntry: false });
  return !compiled || bundle.mtimeMs >= compiled.mtimeMs;
}
