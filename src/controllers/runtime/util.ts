// Small helpers the controllers share.
import type { EventRecorder } from '../../client/index.ts';
import type { EventRecord, KubeObject } from '../common/types.ts';

/** The message an event or condition shows for a failed call (an ApiStatusError's is the server's Status message). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Records the planned events about `object`; resolves when written (failures go to the recorder's onError). */
export async function recordAll(recorder: EventRecorder, object: KubeObject, events: readonly EventRecord[]): Promise<void> {
  await Promise.all(events.map((e) => recorder.event(object, e.type, e.reason, e.message)));
}
