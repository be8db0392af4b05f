// resource.Quantity parsing, enough to compare quantities exactly (QoS class, requests <= limits).
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const SHAPE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const NANO = 9;

/**
 * The quantity in nano-units (so `250m` and `0.25` compare equal), rounded up as Kubernetes
 * rounds sub-nano values; undefined when the text is not a quantity. JSON numbers are accepted.
 */
export function parseQuantity(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    value = String(value);
  }
  if (typeof value !== 'string') return undefined;
  const m = SHAPE.exec(value.trim() === value ? value : '');
  if (m === null) return undefined;
  const numberPart = m[1] ?? '';
  const suffix = m[2] ?? '';
  const num = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(numberPart);
  if (num === null || ((num[2] ?? '') === '' && (num[3] ?? '') === '')) return undefined;
  const negative = num[1] === '-';
  const whole = num[2] ?? '';
  const frac = num[3] ?? '';

  let exp10: number;
  let pow2 = 0;
  if (suffix in DECIMAL_SUFFIX) exp10 = DECIMAL_SUFFIX[suffix] ?? 0;
  else if (suffix in BINARY_SUFFIX) {
    exp10 = 0;
    pow2 = 10 * (BINARY_SUFFIX[suffix] ?? 0);
  } else {
    const e = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (e === null) return undefined;
    exp10 = Number(e[1]);
  }

  let digits = BigInt(`${whole}${frac}` === '' ? '0' : `${whole}${frac}`) * 2n ** BigInt(pow2);
  const shift = NANO + exp10 - frac.length;
  if (shift >= 0) digits *= 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    digits = (digits + div - 1n) / div;
  }
  return negative ? -digits : digits;
}
