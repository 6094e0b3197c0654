/**
 * Every number that shapes a match score, in one frozen object grouped by the stage that uses
 * it. `docs/matching.md` says what each stage does and how to tune it; nothing else in the
 * matcher declares a tuned number.
 */
export interface MatchTuning {
  /** How the index weighs the knowledge's tokens. */
  index: {
    /** A word used by this many alternate questions belongs to a section as firmly as a title word. */
    titleUses: number;
    /** How firmly a word of one alternate question out of many belongs to its section, 0..1. */
    questionStrengthFloor: number;
    /** Synonym concepts weigh at least this share of the rarest word, however common they are. */
    conceptWeightFloor: number;
    /** A single Chinese character weighs this share of a word of the same frequency. */
    singleHanShare: number;
    /** A word only alternate questions use (no title, keyword or body) weighs this share. */
    questionOnlyShare: number;
    /** The slice after which a sliced build gives the event loop back, in milliseconds. */
    sliceMs: number;
  };
  /** Correcting misspelt Latin words against the knowledge's own vocabulary. */
  typo: {
    /** Words shorter than this are never corrected (nor offered as corrections). */
    minLength: number;
    /** Fuse.js score up to which a vocabulary word counts as the one meant. */
    tolerance: number;
    /** A correction at most this many letters longer or shorter. */
    maxLengthGap: number;
    /** Words up to this length accept only a missing, extra or swapped letter. */
    strictUpTo: number;
    /** Words up to this length accept one edit of any kind; longer ones up to `maxEdits`. */
    oneEditUpTo: number;
    maxEdits: number;
    /** At most this many corrections per question: more unknown words mean off-topic, not typos. */
    maxCorrections: number;
    /** Vocabulary words Fuse.js returns per misspelt word. */
    searchLimit: number;
    /** A word read as a correction weighs this share of the word: a correction is a guess. */
    correctedShare: number;
    /** A word the knowledge writes as two is split only into parts at least this long. */
    splitPartMin: number;
  };
  /** Which sections are scored in full, and how Fuse.js ranks the finalists. */
  candidates: {
    /** Sections scored exactly after the inverted index has pruned the rest. */
    limit: number;
    /** Sections Fuse.js ranks in the last step. */
    fuzzyLimit: number;
    /** How many of each finalist's nearest alternate questions Fuse.js reads. */
    fuzzyEntries: number;
    /** Fuse.js's threshold (its default, 0.6: up to 60% of the pattern's characters wrong). */
    fuzzyThreshold: number;
    /** One bitap word: longer patterns cost one more pass per 32 characters. */
    fuzzyPatternChars: number;
    /** Fuse.js's key weights. */
    fuzzyKeys: { questions: number; titles: number; keywords: number };
  };
  /** The score formula's weights (src/match/score.ts states it). */
  blend: {
    coverage: number;
    similarity: number;
    fuzzy: number;
    evidence: number;
    /** The matched weight at which evidence reaches 63%. */
    evidenceScale: number;
    /** A word the knowledge never uses counts as this share of the rarest known word. */
    unknownShare: number;
    /** A word found only in a section's body counts this much of one found in its questions. */
    bodyShare: number;
    /** For a Chinese question, the share of the ranking similarity its character pairs make. */
    hanPairShare: number;
  };
  /** Turning the ranking into an answer. */
  answer: {
    /** The threshold used when calibration has too little knowledge to go on. */
    threshold: number;
    maxAlternatives: number;
    /** An alternative must reach this share of the threshold and be this close to the best. */
    alternativeFloor: number;
    alternativeGap: number;
    /**
     * The share of its score a section keeps when the knowledge knows none of the question's
     * words but its question words (what, how, 怎么): "what is love" asks nothing it covers.
     */
    frameOnlyShare: number;
  };
  /** Deriving the threshold from the knowledge itself on every load. */
  calibration: {
    /** One section in this many is held out in each round. */
    folds: number;
    /** At most this many rounds (each builds one index of the held-out knowledge). */
    maxRounds: number;
    /** About this many wordings are asked back per round, spread over the sections. */
    maxProbes: number;
    /** Wordings asked of each held-out section. */
    declinePerSection: number;
    /** The share of questions expected to be about something the knowledge lacks. */
    outOfScopeShare: number;
    /** How far from the threshold a probe's score still counts partly, as a logistic width. */
    smoothing: number;
    /** The share of the should-decline probes the second estimate of the threshold declines. */
    declineQuantile: number;
    /** The first estimate's (most probes right) weight in the threshold; the second has the rest. */
    objectiveWeight: number;
    /** From this many sections on, probes stop once the threshold hardly moves with more. */
    earlyStopSections: number;
    /** Probes asked before the first look at the spread, and between two looks. */
    minProbesToStop: number;
    stopCheckEvery: number;
    /** The threshold's standard error (grouped jackknife) at which probes stop. */
    stopSpread: number;
    /** Interleaved groups of probes the jackknife leaves out in turn. */
    spreadGroups: number;
    /** How many confusable wordings the calibration keeps for reports. */
    maxConfusable: number;
    /** Fewer probes of either kind than this and the fallback threshold stands. */
    minProbes: number;
    /** The calibrated threshold is kept within these bounds. */
    lowest: number;
    highest: number;
  };
}

export const matchTuning: Readonly<MatchTuning> = deepFreeze({
  index: {
    titleUses: 3,
    questionStrengthFloor: 0.6,
    conceptWeightFloor: 0.6,
    singleHanShare: 0.5,
    questionOnlyShare: 0.7,
    sliceMs: 5,
  },
  typo: {
    minLength: 4,
    tolerance: 0.3,
    maxLengthGap: 2,
    strictUpTo: 5,
    oneEditUpTo: 8,
    maxEdits: 2,
    maxCorrections: 3,
    searchLimit: 5,
    correctedShare: 0.7,
    splitPartMin: 3,
  },
  candidates: {
    limit: 40,
    fuzzyLimit: 3,
    fuzzyEntries: 2,
    fuzzyThreshold: 0.6,
    fuzzyPatternChars: 32,
    fuzzyKeys: { questions: 3, titles: 2, keywords: 2 },
  },
  blend: {
    coverage: 0.1,
    similarity: 0.3,
    fuzzy: 0.2,
    evidence: 0.4,
    evidenceScale: 4,
    unknownShare: 0.4,
    bodyShare: 0.3,
    hanPairShare: 0.4,
  },
  answer: {
    threshold: 0.47,
    maxAlternatives: 3,
    alternativeFloor: 0.85,
    alternativeGap: 0.2,
    frameOnlyShare: 0.5,
  },
  calibration: {
    folds: 5,
    maxRounds: 10,
    maxProbes: 250,
    declinePerSection: 3,
    outOfScopeShare: 0.2,
    smoothing: 0.03,
    declineQuantile: 0.375,
    objectiveWeight: 0.5,
    earlyStopSections: 2000,
    minProbesToStop: 150,
    stopCheckEvery: 25,
    stopSpread: 0.01,
    spreadGroups: 10,
    maxConfusable: 50,
    minProbes: 8,
    lowest: 0.2,
    highest: 0.8,
  },
});

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value))
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  return Object.freeze(value);
}
