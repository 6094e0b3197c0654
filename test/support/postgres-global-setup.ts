/**
 * Vitest global set-up: one throwaway PostgreSQL server for the whole run (or the server named
 * by TEST_DATABASE_URL), handed to the test files as `inject('postgresUrl')`. Each test creates
 * its own database on it with `createDatabase`.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return () => Promise.resolve();
  }
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
