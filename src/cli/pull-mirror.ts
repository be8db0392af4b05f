// `ferry pull --mirror-to REGISTRY[/PREFIX]`: after the pull, push the image to the mirror
// (src/image/mirror.ts has the path mapping), with the --auth-file credentials that match it.
import type { ContentStore } from '../image/content/index.ts';
import { mirrorImage, mirrorReference, parseMirrorTarget, type MirrorTarget } from '../image/mirror.ts';
import type { Reference } from '../image/reference.ts';
import type { RegistrySettings } from '../image/registry/hosts.ts';
import { credentialsFor } from './credentials.ts';
import { pushJson, PushPrinter } from './push-command.ts';

export { parseMirrorTarget };

export interface MirrorPulledOptions {
  store: ContentStore;
  settings: RegistrySettings;
  authFiles: string[];
  /** Print push progress lines (not with --json). */
  print: boolean;
}

/** Pushes the pulled `ref` to the mirror; returns the `--json` shape of the push. */
export async function mirrorPulled(ref: Reference, mirror: MirrorTarget, o: MirrorPulledOptions): Promise<Record<string, unknown>> {
  const result = await mirrorImage(ref, mirror, {
    store: o.store,
    credentials: await credentialsFor(mirrorReference(ref, mirror), o.authFiles),
    settings: o.settings,
    onEvent: o.print ? new PushPrinter(process.stdout).onEvent : undefined,
  });
  return pushJson(result);
}
