// intstr.GetScaledValueFromIntOrPercent: an int as is, or a percent of `total` rounded up or down.
// https://github.com/kubernetes/apimachinery/blob/master/pkg/util/intstr/intstr.go
import type { IntOrString } from './types.ts';

/** The resolved value; throws on a string that is not `<int>%`, as Go returns an error. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return Math.trunc(value);
  const m = /^(-?[0-9]+)%$/.exec(value);
  if (m === null) {
    // A bare number in a string is an error in Go too ("invalid value for IntOrString").
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const percent = Number(m[1]);
  const scaled = (percent * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
