import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A digest of the code in `folders` as this process runs it (compiled or source), for caches
 * whose entries a different build must not reuse. When the code is bundled into one file and
 * the folders are gone, the digest is that of `bundle`, the calling module's own file.
 */
export async function codeRevision(folders: readonly URL[], bundle: URL): Promise<string> {
  const hash = createHash('sha256');
  try {
    for (const url of folders) {
      const folder = fileURLToPath(url);
      const names = (await readdir(folder))
        .filter((name) => /\.(?:[cm]?js|ts)$/u.test(name))
        .sort();
      hash.update(folder.split(path.sep).at(-2) ?? '');
      for (const name of names) hash.update(name).update(await readFile(path.join(folder, name)));
    }
  } catch {
    hash.update(await readFile(fileURLToPath(bundle)));
  }
  return hash.digest('hex');
}
