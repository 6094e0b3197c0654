// Words that open or close a question in the two languages the bot reads.
const CHINESE_QUESTION =
  /[吗嗎呢]|怎么|怎麼|如何|什么|什麼|为什么|為什麼|能不能|可不可以|是否|是不是|哪|多少|有没有|有沒有|请问|請問/u;
const ENGLISH_QUESTION =
  /^(?:how|what|why|when|where|which|who|can|could|does|do|is|are|should|will|would|any ?one)\b/iu;

/**
 * Whether a chat message reads like a question rather than chatter. Used only to decide
 * whether an unaddressed group message is worth matching at all.
 */
export function looksLikeQuestion(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length < 4) return false;
  return (
    /[?？]\s*$/u.test(trimmed) || CHINESE_QUESTION.test(trimmed) || ENGLISH_QUESTION.test(trimmed)
  );
}

// Questions about the bot itself, as they read normalised (lower case, Simplified, without
// filler, final particles and punctuation): "what can you do", "你是机器人吗".
const ABOUT_THE_BOT = [
  /^(?:who|what) (?:are|r) (?:you|u)(?: exactly)?$/u,
  /^what (?:can|could|do|will) (?:you|u) (?:do|answer|help with|help me with)(?: for me)?$/u,
  /^what do (?:you|u) know(?: about)?$/u,
  /^are (?:you|u) (?:a |an )?(?:bot|chatbot|robot|ai|machine|human|person|real person|real)$/u,
  /^what(?: is)? this(?: bot| thing)?$/u,
  /^(?:help|help me|menu|how does this work|how do i use (?:you|u|this|this bot|it))$/u,
  /^你是(?:谁|什么|什么东西|干什么的|做什么的|机器人|人|真人|ai|人工智能|bot)$/u,
  /^你(?:都)?(?:能|会|可以)(?:做|干|回答)?(?:些)?什么(?:问题)?$/u,
  /^你(?:能|会|可以)干$/u,
  /^(?:帮助|菜单|怎么用|怎么用你|这是什么|这是什么东西)$/u,
];

/**
 * Whether a normalised question asks about the bot rather than about the knowledge ("who are
 * you", "你能做什么"): such a question shares its question words with sections ("What can remote
 * management do?") and would otherwise be answered with one of them.
 */
export function isAboutTheBot(normalized: string): boolean {
  return ABOUT_THE_BOT.some((pattern) => pattern.test(normalized));
}

// Whole messages that greet or thank rather than ask, ending in any punctuation or emoji.
const END = String.raw`[\s\p{P}\p{Extended_Pictographic}\u{FE0F}~～]*$`;
const GREETING = new RegExp(
  String.raw`^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|你好|您好|哈喽|嗨|在吗|在不在|有人吗)(?: there| bot)?${END}`,
  'iu',
);
const THANKS = new RegExp(
  String.raw`^(?:(?:thanks?|thank you)(?: so much| a lot| very much)?|thx|ty|ok|okay|got it|great|cool|nice|perfect|谢谢(?:你|您|啦|了)?|多谢|感谢|謝謝|好的|嗯嗯?|明白了?|知道了|收到)${END}|^[\p{Extended_Pictographic}\u{FE0F}\s]*(?:👍|🙏|👌)[\p{Extended_Pictographic}\u{FE0F}\s]*$`,
  'iu',
);

/** A message that only greets ("hi", "你好") or thanks ("thanks!", "好的", 👍), or undefined. */
export function chatterKind(text: string): 'greeting' | 'thanks' | undefined {
  const trimmed = text.trim();
  if (GREETING.test(trimmed)) return 'greeting';
  if (THANKS.test(trimmed)) return 'thanks';
  return undefined;
}
