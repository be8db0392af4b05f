// Flags that take a registry host list (the annotations' syntax: host, host:port, *.domain).
import { parseHostList } from '../image/index.ts';
import { UsageError } from './usage.ts';

/** A bad entry is a usage error that names the flag. */
export function hostsFlag(value: string, flag = '--allow-insecure-registries'): string[] {
  try {
    return parseHostList(value, flag);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
