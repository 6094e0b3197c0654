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
