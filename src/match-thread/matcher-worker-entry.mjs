// A worker thread does not inherit the TypeScript loader its parent runs under: register it
// here, then load the matcher thread proper.
import { register } from 'tsx/esm/api';

register();
await import('./matcher-worker.ts');
