// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The layers of src/, lowest first; a module imports only its own layer and those below it:
 *   knowledge <- match <- knowledge-store, calibration-cache, prepared-knowledge, cache-file, match-thread <- delivery, feedback, postgres, metrics
 *   <- bot <- app, cli, main
 * Neutral modules at the top of src/ (logger, time-slices, sqlite-file, send-slots) may be
 * imported from anywhere. Each rule names what a layer must not reach, by import path.
 */
const TELEGRAM = ['grammy', 'grammy/*', '@grammyjs/*'];

/** A path from a module in src/ (at any depth) to one of `targets`, a folder or a module. */
function reaches(targets) {
  return `^(?:\\./|(?:\\.\\./)+)(?:${targets.join('|')})(?:/|\\.js$|$)`;
}

/** A `files` block forbidding `layer` to import `targets` (and Telegram's libraries if `telegram`). */
function layer(files, targets, why, { telegram = false } = {}) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: reaches(targets), message: why },
            ...(telegram
              ? [{ group: TELEGRAM, message: 'Telegram specifics live under src/bot/.' }]
              : []),
          ],
        },
      ],
    },
  };
}

const ABOVE_MATCH = [
  'knowledge-store',
  'calibration-cache',
  'prepared-knowledge',
  'cache-file',
  'reload-knowledge',
  'match-thread',
];
const SERVICES = ['delivery', 'feedback', 'postgres', 'metrics'];
const ENTRY = ['bot', 'cli', 'app', 'main', 'program'];

export default tseslint.config(
  { ignores: ['node_modules', 'coverage', 'data', 'dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  layer(
    ['src/knowledge/**'],
    ['match', ...ABOVE_MATCH, ...SERVICES, ...ENTRY],
    'src/knowledge/ is the lowest layer: it imports no matcher, store, service, bot or CLI module.',
    { telegram: true },
  ),
  layer(
    ['src/match/**'],
    [...ABOVE_MATCH, ...SERVICES, ...ENTRY],
    'src/match/ imports only the knowledge types and neutral modules, never the store, a service, the bot or the CLI.',
    { telegram: true },
  ),
  layer(
    [
      'src/knowledge-store.ts',
      'src/calibration-cache.ts',
      'src/prepared-knowledge.ts',
      'src/cache-file.ts',
      'src/reload-knowledge.ts',
      'src/match-thread/**',
    ],
    [...SERVICES, ...ENTRY],
    'The knowledge store and the matcher thread sit below the services and the bot.',
    { telegram: true },
  ),
  layer(
    SERVICES.map((folder) => `src/${folder}/**`),
    ENTRY,
    'Delivery, feedback, PostgreSQL and metrics code imports nothing from the bot or the CLI; move a shared type to a neutral module instead.',
    { telegram: true },
  ),
  layer(
    ['src/bot/**'],
    ['cli', 'app', 'main', 'program'],
    'The bot is wired by the entry point and the CLI, never the other way.',
  ),
);
