// core/v1 Event.
// Printer: https://github.com/kubernetes/kubernetes/blob/master/pkg/printers/internalversion/printers.go (printEvent)
// Validation: https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/events.go (legacyValidateEvent)
import type { FieldError, KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { invalid, required } from '../validation/field-errors.ts';
import { validateLabelName } from '../validation/labels.ts';
import { isDNS1123Subdomain } from '../validation/names.ts';
import { formatAge } from './age.ts';
import { NAME_COLUMN, STANDARD_VERBS, column, nameOf, validateMeta } from './common.ts';
import { asNumber, asObject, asString, stringAt } from './json-access.ts';

const LENGTH_LIMITS: [field: string, limit: number][] = [
  ['reportingInstance', 128],
  ['action', 128],
  ['reason', 128],
  ['message', 1024],
];

function validateEvent(event: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = event.metadata.namespace ?? '';
  const involvedNamespace = stringAt(event, 'involvedObject', 'namespace');
  const mismatch = () => invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (!asString(event.eventTime)) {
    // Old-style events: the namespace must agree with the object's ("default" for cluster objects).
    if (involvedNamespace === '' ? namespace !== '' && namespace !== 'default' : namespace !== involvedNamespace) errs.push(mismatch());
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    const controller = asString(event.reportingComponent) ?? '';
    if (controller === '') errs.push(required('reportingComponent'));
    errs.push(...validateLabelName(controller, 'reportingComponent'));
    for (const [field, limit] of LENGTH_LIMITS) {
      const value = asString(event[field]) ?? '';
      if (value === '' && field !== 'message') errs.push(required(field));
      if (value.length > limit) errs.push(invalid(field, '', `can have at most ${limit} characters`));
    }
  }
  for (const msg of isDNS1123Subdomain(namespace)) errs.push(invalid('namespace', namespace, msg));
  return errs;
}

/** Last Seen, First Seen and Count as printEvent derives them from old- and new-style fields. */
export function eventTimes(event: KubeObject, now: Date): { lastSeen: string; firstSeen: string; count: number } {
  const firstSeen = formatAge(asString(event.firstTimestamp) || asString(event.eventTime), now);
  let lastSeen = asString(event.lastTimestamp) ? formatAge(event.lastTimestamp as string, now) : firstSeen;
  let count = asNumber(event.count) ?? 0;
  const series = asObject(event.series);
  if (series !== undefined) {
    lastSeen = formatAge(asString(series.lastObservedTime), now);
    count = asNumber(series.count) ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  return { lastSeen, firstSeen, count };
}

function eventObject(event: KubeObject): string {
  const kind = stringAt(event, 'involvedObject', 'kind').toLowerCase();
  const name = stringAt(event, 'involvedObject', 'name');
  return name === '' ? kind : `${kind}/${name}`;
}

function eventSource(event: KubeObject): string {
  const component = stringAt(event, 'source', 'component') || (asString(event.reportingComponent) ?? '');
  const host = stringAt(event, 'source', 'host') || (asString(event.reportingInstance) ?? '');
  return host === '' ? component : `${component}, ${host}`;
}

const involved = (key: string) => (o: KubeObject) => stringAt(o, 'involvedObject', key);

export const eventKind: KindDefinition = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  verbs: STANDARD_VERBS,
  subresources: [],
  schema: 'io.k8s.api.core.v1.Event',
  hasStatus: false,
  defaults() {},
  validate(object, old) {
    return [...validateMeta(object, old, { namespaced: true }), ...validateEvent(object)];
  },
  table: {
    columns: [
      column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
      column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
      column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      column('Object', 'string', 'The object that this event is about.'),
      column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
      column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
      column('Message', 'string', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      column('Count', 'string', 'The number of times this event has occurred.', 1),
      { ...NAME_COLUMN, priority: 1 },
    ],
    cells(object, now) {
      const { lastSeen, firstSeen, count } = eventTimes(object, now);
      return [
        lastSeen,
        asString(object.type) ?? '',
        asString(object.reason) ?? '',
        eventObject(object),
        stringAt(object, 'involvedObject', 'fieldPath'),
        eventSource(object),
        (asString(object.message) ?? '').trim(),
        firstSeen,
        count,
        nameOf(object),
      ];
    },
  },
  fieldSelectors: {
    'involvedObject.kind': involved('kind'),
    'involvedObject.namespace': involved('namespace'),
    'involvedObject.name': involved('name'),
    'involvedObject.uid': involved('uid'),
    'involvedObject.apiVersion': involved('apiVersion'),
    'involvedObject.resourceVersion': involved('resourceVersion'),
    'involvedObject.fieldPath': involved('fieldPath'),
    reason: (o) => asString(o.reason) ?? '',
    reportingComponent: (o) => asString(o.reportingComponent) ?? '',
    source: (o) => stringAt(o, 'source', 'component'),
    type: (o) => asString(o.type) ?? '',
  },
};
