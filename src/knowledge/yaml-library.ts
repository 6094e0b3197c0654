import type * as Yaml from 'yaml';
import { loadOnUse } from '../load-on-use.js';

/** The YAML library, loaded by the first parse: a start from the prepared knowledge has none. */
export const yaml = loadOnUse<typeof Yaml>('yaml');
