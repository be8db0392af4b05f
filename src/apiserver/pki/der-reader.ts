// Just enough DER reading to take what a new certificate must copy from its issuer: the issuer's
// subject Name (copied byte for byte, because Go matches RawIssuer against RawSubject) and its
// subjectKeyIdentifier. Definite lengths only, as DER requires.

export interface Element {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export class DerParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerParseError';
  }
}

export function readElement(der: Uint8Array, offset: number, limit = der.length): Element {
  if (offset + 2 > limit) throw new DerParseError(`element at byte ${offset} is truncated`);
  const tag = der[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerParseError(`high tag number at byte ${offset}`);
  let length = der[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerParseError(`unsupported length form at byte ${offset}`);
    if (contentStart + count > limit) throw new DerParseError(`length at byte ${offset} is truncated`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[contentStart + i] as number);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerParseError(`element at byte ${offset} runs past its parent`);
  return { tag, start: offset, contentStart, end };
}

export function children(der: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(der, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function content(der: Uint8Array, element: Element): Uint8Array {
  return der.subarray(element.contentStart, element.end);
}

export function whole(der: Uint8Array, element: Element): Uint8Array {
  return der.subarray(element.start, element.end);
}
