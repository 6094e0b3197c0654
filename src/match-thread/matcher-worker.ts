/**
 * The matcher thread: holds its own index of the knowledge version it was last sent and
 * answers questions against it. Only ids and scores go back; the caller maps them to the
 * sections of the same version. A new version is indexed in slices, so that questions about
 * the current one keep being answered while it builds.
 */
import { parentPort } from 'node:worker_threads';
import type { Section } from '../knowledge/types.js';
import { matchQuestion } from '../match/match-question.js';
import { indexSteps, type SearchIndex } from '../match/search-index.js';
import { matchTuning } from '../match/tuning.js';
import { runInSlices } from '../time-slices.js';
import type { ThreadReply, ThreadRequest } from './protocol.js';

let loaded: { version: number; index: SearchIndex } | undefined;
// The parts of the version being received; a newer version replaces an unfinished one.
let incoming: { version: number; sections: Section[] } | undefined;
const reply = (message: ThreadReply) => parentPort?.postMessage(message);

async function load(request: Extract<ThreadRequest, { type: 'load' }>): Promise<void> {
  const parts = incoming?.version === request.version ? incoming.sections : [];
  incoming = undefined;
  const knowledge = { sections: parts, synonyms: request.synonyms, languages: request.languages };
  const index = await runInSlices(indexSteps(knowledge), matchTuning.index.sliceMs);
  // A newer version may have been loaded meanwhile; never go back to an older one.
  if (loaded && loaded.version > request.version) return;
  loaded = { version: request.version, index: { ...index, calibration: request.calibration } };
  reply({ type: 'loaded', version: request.version });
}

parentPort?.on('message', (request: ThreadRequest) => {
  if (request.type === 'load-part') {
    if (incoming?.version !== request.version)
      incoming = { version: request.version, sections: [] };
    incoming.sections.push(...request.sections);
    return;
  }
  if (request.type === 'load') {
    void load(request);
    return;
  }
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
});
