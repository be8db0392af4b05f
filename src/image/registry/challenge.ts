// WWW-Authenticate parsing (RFC 7235 section 4.1): one header may carry several challenges,
// each a scheme followed by auth-params whose values are tokens or quoted strings.

export interface Challenge {
  /** Lower-cased scheme: `basic`, `bearer`, ... */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(', ') : header;
  const out: Challenge[] = [];
  let i = 0;
  let current: Challenge | undefined;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (m === null) return undefined;
    i = TOKEN.lastIndex;
    return m[0];
  };
  while (i < text.length) {
    skipSpace();
    const start = i;
    const name = token();
    if (name === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (text[j] === '=' && current !== undefined) {
      i = j + 1;
      while (text[i] === ' ' || text[i] === '\t') i++;
      current.params[name.toLowerCase()] = text[i] === '"' ? quoted() : (token() ?? '');
    } else {
      if (text.slice(start, j + 1).endsWith('=') && current === undefined) continue;
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out;

  function quoted(): string {
    let value = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      value += text[i];
      i++;
    }
    i++;
    return value;
  }
}

/** The challenge to answer: Bearer over Basic, as containerd does. */
export function preferredChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
