/**
 * What the caches in DATA_DIR (the calibrations, the prepared knowledge) share: the revision of
 * the code their entries were made by, and a bounded read of their file.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorText } from './knowledge/load.js';
import type { Logger } from './logger.js';

// Per folder or bundle, its digest: both caches read the matcher's code, which one process
// reads once.
const digests = new Map<string, Promise<string>>();

/**
 * A digest of the code in `folders` as this process runs it (compiled or source), for caches
 * whose entries a different build must not reuse. When the code is bundled into one file and
 * the folders are gone, the digest is that of `bundle`, the calling module's own file.
 */
export async function codeRevision(folders: readonly URL[], bundle: URL): Promise<string> {
  const hash = createHash('sha256');
  try {
    for (const url of folders) hash.update(await digestOnce(fileURLToPath(url), folderDigest));
  } catch {
    hash.update(await digestOnce(fileURLToPath(bundle), fileDigest));
  }
  return hash.digest('hex');
}

function digestOnce(file: string, digestOf: (file: string) => Promise<string>): Promise<string> {
  let digest = digests.get(file);
  if (!digest) {
    digest = digestOf(file);
    // A file that could not be read is tried again by the next caller.
    digest.catch(() => digests.delete(file));
    digests.set(file, digest);
  }
  return digest;
}

async function folderDigest(folder: string): Promise<string> {
  const hash = createHash('sha256');
  const names = (await readdir(folder)).filter((name) => /\.(?:[cm]?js|ts)$/u.test(name)).sort();
  hash.update(folder.split(path.sep).at(-2) ?? '');
  for (const name of names) hash.update(name).update(await readFile(path.join(folder, name)));
  return hash.digest('hex');
}

async function fileDigest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/**
 * The bytes of the cache file `file`, or undefined when there is none, it is larger than
 * `maxBytes` (checked before reading) or it cannot be read; `name` says which cache in the
 * warning. Never throws: a cache that cannot be read is rebuilt.
 */
export async function readCacheFile(
  file: string,
  maxBytes: number,
  name: string,
  logger: Logger | undefined,
): Promise<Buffer | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) {
        logger?.warn({ bytes: size }, `${name} too large; ignored`);
        return undefined;
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (errorText(error) !== 'ENOENT')
      logger?.warn({ error: errorText(error) }, `${name} unreadable; ignored`);
    return undefined;
  }
}
