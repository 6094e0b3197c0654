/**
 * Encoders for the legacy encodings a knowledge file may be saved in by mistake. Node decodes
 * GBK but cannot encode it, so the GBK table is built once by decoding every two-byte code.
 */

let gbkTable: Map<string, number[]> | undefined;

function buildGbkTable(): Map<string, number[]> {
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(Uint8Array.from([lead, trail]));
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char))
        table.set(char, [lead, trail]);
    }
  }
  return table;
}

/** Encodes `text` as GBK; throws on a character GBK cannot represent. */
export function encodeGbk(text: string): Buffer {
  gbkTable ??= buildGbkTable();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = gbkTable.get(char);
    if (!pair) throw new Error(`GBK cannot encode ${JSON.stringify(char)}`);
    bytes.push(...pair);
  }
  return Buffer.from(bytes);
}

/** Encodes `text` as Latin-1; throws on a character above U+00FF. */
export function encodeLatin1(text: string): Buffer {
  for (const char of text) {
    if ((char.codePointAt(0) ?? 0) > 0xff)
      throw new Error(`Latin-1 cannot encode ${JSON.stringify(char)}`);
  }
  return Buffer.from(text, 'latin1');
}

/** True when `bytes` are valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
