/**
 * The matcher thread: holds its own index of the knowledge version it was last sent and
 * answers questions against it. Only ids and scores go back; the caller maps them to the
 * sections of the same version. A new version is indexed in slices, so that questions about
 * the current one keep being answered while it builds. During a reload it also calibrates the
 * new knowledge (most of a build's work), so that the caller's event loop does not.
 */
import { parentPort } from 'node:worker_threads';
import type { Knowledge, Section } from '../knowledge/types.js';
import { matchQuestion } from '../match/match-question.js';
import { buildSearchIndexAsync, type SearchIndex } from '../match/search-index.js';
import type { ThreadReply, ThreadRequest } from './protocol.js';

let loaded: { version: number; index: SearchIndex } | undefined;
// The parts of the knowledge being received; a newer transfer replaces an unfinished one.
let incoming: { transfer: number; sections: Section[] } | undefined;
// The latest build for a reload under way, until it is adopted or a newer one replaces it.
let staged: { transfer: number; index: SearchIndex } | undefined;
const reply = (message: ThreadReply) => parentPort?.postMessage(message);

function received(request: Extract<ThreadRequest, { type: 'load' | 'build' }>): Knowledge {
  const sections = incoming?.transfer === request.transfer ? incoming.sections : [];
  incoming = undefined;
  return { sections, synonyms: request.synonyms, languages: request.languages };
}

// Never goes back to an older version than the one loaded meanwhile.
function answerFor(version: number, index: SearchIndex): void {
  if (loaded && loaded.version > version) return;
  loaded = { version, index };
  reply({ type: 'loaded', version });
}

async function load(request: Extract<ThreadRequest, { type: 'load' }>): Promise<void> {
  // Given the calibration, the build only indexes, and reuses the unchanged sections' analyses.
  const index = await buildSearchIndexAsync(received(request), {
    calibration: request.calibration,
  });
  answerFor(request.version, index);
}

async function build(request: Extract<ThreadRequest, { type: 'build' }>): Promise<void> {
  const index = await buildSearchIndexAsync(received(request));
  if (!staged || staged.transfer < request.transfer) staged = { transfer: request.transfer, index };
  reply({ type: 'built', transfer: request.transfer, calibration: index.calibration });
}

function adopt(request: Extract<ThreadRequest, { type: 'adopt' }>): void {
  if (staged?.transfer !== request.transfer) {
    reply({ type: 'unstaged', version: request.version });
    return;
  }
  const { index } = staged;
  staged = undefined;
  answerFor(request.version, index);
}

parentPort?.on('message', (request: ThreadRequest) => {
  switch (request.type) {
    case 'load-part':
      if (incoming?.transfer !== request.transfer)
        incoming = { transfer: request.transfer, sections: [] };
      incoming.sections.push(...request.sections);
      return;
    case 'load':
      void load(request);
      return;
    case 'build':
      void build(request);
      return;
    case 'adopt':
      adopt(request);
      return;
    case 'match':
      answer(request);
  }
});

function answer(request: Extract<ThreadRequest, { type: 'match' }>): void {
  if (!loaded || loaded.version !== request.version) {
    reply({ type: 'unanswered', id: request.id });
    return;
  }
  try {
    const result = matchQuestion(loaded.index, request.question, request.options);
    reply({
      type: 'matched',
      id: request.id,
      version: loaded.version,
      section: result.section?.id,
      score: result.score,
      best: result.best && { id: result.best.section.id, score: result.best.score },
      alternatives: result.alternatives.map((a) => ({ id: a.section.id, score: a.score })),
      lang: result.lang,
    });
  } catch {
    reply({ type: 'unanswered', id: request.id });
  }
}
