// The whole message table and the kinds whose protobuf bodies can be decoded. kubectl >= 1.32 sends
// protobuf only from its typed-client commands (`create secret|configmap|namespace|deployment`), so
// these four kinds are the ones that need it; everything else arrives as JSON.
import { appsMessages } from './apps.ts';
import { coreContainerMessages } from './core-container.ts';
import { corePodMessages } from './core-pod.ts';
import { coreVolumeMessages } from './core-volume.ts';
import { coreMessages } from './core.ts';
import { metaMessages } from './meta.ts';
import type { MessageTable } from './schema.ts';

export type { FieldSpec, FieldType, MessageSpec, MessageTable, RawFields, ScalarType } from './schema.ts';

export const messages: MessageTable = {
  ...metaMessages,
  ...coreMessages,
  ...corePodMessages,
  ...coreContainerMessages,
  ...coreVolumeMessages,
  ...appsMessages,
};

/** `<apiVersion> <kind>` → the message type of the envelope's raw bytes. */
export const protobufKinds: Readonly<Record<string, string>> = {
  'v1 Secret': 'Secret',
  'v1 ConfigMap': 'ConfigMap',
  'v1 Namespace': 'Namespace',
  'apps/v1 Deployment': 'Deployment',
};
