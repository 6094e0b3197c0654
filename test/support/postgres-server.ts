/**
 * A throwaway PostgreSQL server for the tests: `initdb` into a temporary folder, `pg_ctl start`
 * on a free loopback port, and everything removed again by `stop`. It uses the server binaries
 * of Debian's `postgresql` package (`.ci/run` installs it when missing). initdb refuses to run
 * as root, so as root the server runs as the package's `postgres` user.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian puts each major version's server binaries. */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

export interface PostgresServer {
  /** A superuser connection URL to the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: PG_BIN, the newest Debian version, or PATH. */
export function findServerBinaries(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  if (existsSync(DEBIAN_PG_ROOT)) {
    const versions = readdirSync(DEBIAN_PG_ROOT)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(DEBIAN_PG_ROOT, v, 'bin')));
  }
  candidates.push(...(env.PATH ?? '').split(path.delimiter).filter(Boolean));
  const found = candidates.find(
    (dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')),
  );
  if (!found)
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found: install them with `apt-get install postgresql` (as .ci/run does), set PG_BIN to their folder, or TEST_DATABASE_URL to a server',
    );
  return found;
}

// The uid and gid of the `postgres` account, read from /etc/passwd.
function postgresAccount(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error(
      'running as root and there is no `postgres` account to run the test server as: install Debian’s postgresql package',
    );
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Initialises and starts a server; about a second and a half on a small machine. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findServerBinaries();
  const dir = await mkdtemp(path.join(tmpdir(), 'esim-faq-pg-'));
  const account = process.getuid?.() === 0 ? postgresAccount() : undefined;
  if (account) await chown(dir, account.uid, account.gid);
  const as = account ? { uid: account.uid, gid: account.gid } : {};
  const data = path.join(dir, 'data');
  const pgCtl = path.join(bin, 'pg_ctl');
  try {
    await run(
      path.join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      { ...as, cwd: dir },
    );
    // Durability of a test server does not matter; the processes under test are what get killed.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        await run(pgCtl, ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start'], {
          ...as,
          cwd: dir,
        });
        const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
        return {
          url,
          stop: async () => {
            await run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], {
              ...as,
              cwd: dir,
            }).catch(() => undefined);
            await rm(dir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        lastError = error; // most likely the port was taken between the probe and the start
      }
    }
    throw lastError;
  } catch (error) {
    const log = existsSync(path.join(dir, 'log'))
      ? readFileSync(path.join(dir, 'log'), 'utf8')
      : '';
    await rm(dir, { recursive: true, force: true });
    throw new Error(`the test PostgreSQL server did not start: ${String(error)}\n${log}`);
  }
}

let counter = 0;

/**
 * Creates an empty database on the server at `serverUrl` and returns its URL: every test gets
 * a schema of its own, as a fresh deployment would.
 */
export async function createDatabase(serverUrl: string, prefix = 'test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}
