// The errors Go's encoding/json gives when unmarshalling into map[string]interface{}, so a bad
// docker config in a Secret is reported as the kube-apiserver reports it.
// https://github.com/golang/go/blob/master/src/encoding/json/scanner.go
import { decodeBase64 } from './base64.ts';

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class SyntaxFailure extends Error {}

/** Go's quoteChar: `'x'`, with `'\''` and `'"'` special-cased. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const ch = String.fromCodePoint(c);
  if (c < 0x20 || c === 0x7f) {
    const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
    return `'${named[c] ?? `\\x${c.toString(16).padStart(2, '0')}`}'`;
  }
  if (c === 0x5c) return "'\\\\'";
  // A byte >= 0x80 becomes the rune of that value (Go's string(byte)); those are printable Latin-1 except 0x80-0x9f and 0xad.
  if ((c >= 0x80 && c <= 0x9f) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${ch}'`;
}

class Scanner {
  readonly #b: Uint8Array;
  #i = 0;

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
  }

  run(): void {
    this.#ws();
    this.#value();
    this.#ws();
    if (this.#i < this.#b.length) this.#fail('after top-level value');
  }

  #peek(): number | undefined {
    return this.#b[this.#i];
  }

  #next(): number {
    const c = this.#b[this.#i];
    if (c === undefined) throw new SyntaxFailure('unexpected end of JSON input');
    this.#i++;
    return c;
  }

  #fail(context: string, c?: number): never {
    const ch = c ?? this.#b[this.#i];
    if (ch === undefined) throw new SyntaxFailure('unexpected end of JSON input');
    throw new SyntaxFailure(`invalid character ${quoteChar(ch)} ${context}`);
  }

  #ws(): void {
    while (this.#i < this.#b.length && WS.has(this.#b[this.#i] as number)) this.#i++;
  }

  #value(): void {
    const c = this.#peek();
    if (c === undefined) throw new SyntaxFailure('unexpected end of JSON input');
    if (c === 0x7b) return this.#object();
    if (c === 0x5b) return this.#array();
    if (c === 0x22) return this.#string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number();
    if (c === 0x74) return this.#literal('true');
    if (c === 0x66) return this.#literal('false');
    if (c === 0x6e) return this.#literal('null');
    this.#fail('looking for beginning of value');
  }

  #object(): void {
    if (!this.#open(0x7d)) return;
    do {
      if (this.#peek() !== 0x22) this.#fail('looking for beginning of object key string');
      this.#string();
      this.#ws();
      if (this.#peek() !== 0x3a) this.#fail('after object key');
      this.#i++;
      this.#ws();
      this.#value();
    } while (this.#more(0x7d, 'after object key:value pair'));
  }

  #array(): void {
    if (!this.#open(0x5d)) return;
    do this.#value();
    while (this.#more(0x5d, 'after array element'));
  }

  // #open and #more are the bracket and comma handling objects and arrays share. They return
  // before the next value is read, so nesting costs no extra stack frames.

  /** Steps past an opening bracket; false when `close` follows at once (an empty object or array). */
  #open(close: number): boolean {
    this.#i++;
    this.#ws();
    if (this.#peek() !== close) return true;
    this.#i++;
    return false;
  }

  /** After a member or element: true past a comma (another follows), false past `close`. */
  #more(close: number, context: string): boolean {
    this.#ws();
    const c = this.#peek();
    if (c === 0x2c) {
      this.#i++;
      this.#ws();
      return true;
    }
    if (c !== close) this.#fail(context);
    this.#i++;
    return false;
  }

  #string(): void {
    this.#i++;
    for (;;) {
      const c = this.#next();
      if (c === 0x22) return;
      if (c < 0x20) this.#fail('in string literal', c);
      if (c !== 0x5c) continue;
      const e = this.#next();
      if (e === 0x75) {
        for (let k = 0; k < 4; k++) {
          const h = this.#next();
          if (!isHex(h)) this.#fail('in \\u hexadecimal character escape', h);
        }
      } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) {
        this.#fail('in string escape code', e);
      }
    }
  }

  #number(): void {
    if (this.#peek() === 0x2d) {
      this.#i++;
      const c = this.#next();
      if (!isDigit(c)) this.#fail('in numeric literal', c);
      this.#i--;
    }
    if (this.#peek() === 0x30) this.#i++;
    else while (isDigit(this.#peek())) this.#i++;
    if (this.#peek() === 0x2e) {
      this.#i++;
      const c = this.#next();
      if (!isDigit(c)) this.#fail('after decimal point in numeric literal', c);
      while (isDigit(this.#peek())) this.#i++;
    }
    const e = this.#peek();
    if (e === 0x65 || e === 0x45) {
      this.#i++;
      let c = this.#next();
      if (c === 0x2b || c === 0x2d) c = this.#next();
      if (!isDigit(c)) this.#fail('in exponent of numeric literal', c);
      while (isDigit(this.#peek())) this.#i++;
    }
  }

  #literal(word: string): void {
    this.#i++;
    for (let k = 1; k < word.length; k++) {
      const c = this.#next();
      if (c !== word.charCodeAt(k)) this.#fail(`in literal ${word} (expecting '${word[k]}')`, c);
    }
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

export type GoJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

/** json.Unmarshal(bytes, &map[string]interface{}{}): the decoded value, or Go's error text. */
export function unmarshalGoMap(bytes: Uint8Array): GoJsonResult {
  try {
    new Scanner(bytes).run();
  } catch (err) {
    if (err instanceof SyntaxFailure) return { ok: false, error: err.message };
    throw err;
  }
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return { ok: true, value };
  const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
  return { ok: false, error: `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}` };
}

/**
 * Go's base64.StdEncoding as encoding/json applies it to []byte fields: padding required,
 * CR and LF ignored. Returns the bytes or `illegal base64 data at input byte N`.
 */
export function decodeGoBase64(text: string): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const chars: { c: string; at: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\r' && c !== '\n') chars.push({ c, at: i });
  }
  const bad = (at: number) => ({ ok: false as const, error: `illegal base64 data at input byte ${at}` });
  let padding = 0;
  for (let k = 0; k < chars.length; k++) {
    const { c, at } = chars[k] as { c: string; at: number };
    if (c === '=') {
      const left = chars.length - k;
      if (k % 4 < 2 || left > 2 || (left === 2 && chars[k + 1]?.c !== '=')) return bad(at);
      padding++;
    } else if (padding > 0 || !/^[A-Za-z0-9+/]$/.test(c)) {
      return bad(at);
    }
  }
  if (chars.length % 4 !== 0) return bad(text.length);
  return { ok: true, bytes: decodeBase64(chars.map((x) => x.c).join('')) };
}
