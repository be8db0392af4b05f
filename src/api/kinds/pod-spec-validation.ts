// Pod spec validation, shared by Pods and pod templates, with core/v1's paths and messages.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go
import type { FieldError } from '../kind.ts';
import type { JsonObject } from '../object.ts';
import { duplicate, forbidden, indexPath, invalid, notFound, notSupported, required } from '../validation/field-errors.ts';
import { isInRange, isValidPortName, isValidPortNum } from '../validation/formats.ts';
import { validateAnnotations, validateLabels } from '../validation/labels.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../validation/names.ts';
import { asNumber, asObject, asString, objects } from './json-access.ts';
import { validateResources } from './resources-validation.ts';
import { validateTolerations } from './tolerations-validation.ts';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const MAX_INT32 = 2147483647;

export function validatePodSpec(spec: JsonObject | undefined, path: string): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const volumeNames = validateVolumes(s.volumes, `${path}.volumes`, errs);
  const containerNames = new Set<string>();
  validateContainerList(s.initContainers, `${path}.initContainers`, volumeNames, containerNames, errs, false);
  validateContainerList(s.containers, `${path}.containers`, volumeNames, containerNames, errs, true);
  enumField(s.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES, errs);
  enumField(s.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES, errs);
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  for (const key of ['serviceAccountName', 'nodeName']) {
    const value = asString(s[key]);
    if (value) for (const msg of isDNS1123Subdomain(value)) errs.push(invalid(`${path}.${key}`, value, msg));
  }
  for (const key of ['hostname', 'subdomain']) {
    const value = asString(s[key]);
    if (value) for (const msg of isDNS1123Label(value)) errs.push(invalid(`${path}.${key}`, value, msg));
  }
  const deadline = asNumber(s.activeDeadlineSeconds);
  if (deadline !== undefined) {
    for (const msg of isInRange(deadline, 1, MAX_INT32)) errs.push(invalid(`${path}.activeDeadlineSeconds`, deadline, msg));
  }
  // Kubernetes only warns about these; a name that cannot be a Secret's would fail every pull.
  objects(s.imagePullSecrets).forEach((ref, i) => {
    const p = `${indexPath(`${path}.imagePullSecrets`, i)}.name`;
    const name = asString(ref.name) ?? '';
    if (name === '') errs.push(required(p));
    else for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(p, name, msg));
  });
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  return errs;
}

/** ValidatePodTemplateSpec: note the `<path>.labels` paths, which Kubernetes uses for templates. */
export function validatePodTemplateSpec(template: JsonObject | undefined, path: string): FieldError[] {
  const metadata = asObject(template?.metadata);
  const errs = [...validateLabels(metadata?.labels, `${path}.labels`), ...validateAnnotations(metadata?.annotations, `${path}.annotations`)];
  const spec = asObject(template?.spec);
  errs.push(...validatePodSpec(spec, `${path}.spec`));
  if (objects(spec?.ephemeralContainers).length > 0) {
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

function enumField(value: unknown, field: string, valid: string[], errs: FieldError[]): void {
  const v = asString(value) ?? '';
  if (v === '') errs.push(required(field));
  else if (!valid.includes(v)) errs.push(notSupported(field, v, valid));
}

function validateVolumes(volumes: unknown, path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  objects(volumes).forEach((v, i) => {
    const p = `${indexPath(path, i)}.name`;
    const name = asString(v.name) ?? '';
    if (name === '') errs.push(required(p));
    else for (const msg of isDNS1123Label(name)) errs.push(invalid(p, name, msg));
    if (name !== '' && names.has(name)) errs.push(duplicate(p, name));
    names.add(name);
  });
  return names;
}

function validateContainerList(
  containers: unknown,
  path: string,
  volumes: Set<string>,
  seen: Set<string>,
  errs: FieldError[],
  requireOne: boolean,
): void {
  const list = objects(containers);
  if (requireOne && list.length === 0) {
    errs.push(required(path));
    return;
  }
  list.forEach((c, i) => {
    const p = indexPath(path, i);
    const name = asString(c.name) ?? '';
    if (name === '') errs.push(required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(name)) errs.push(invalid(`${p}.name`, name, msg));
      if (seen.has(name)) errs.push(duplicate(`${p}.name`, name));
    }
    seen.add(name);
    const image = asString(c.image) ?? '';
    if (image === '') errs.push(required(`${p}.image`));
    else if (image.trim() !== image) errs.push(invalid(`${p}.image`, image, 'must not have leading or trailing whitespace'));
    enumField(c.imagePullPolicy, `${p}.imagePullPolicy`, PULL_POLICIES, errs);
    enumField(c.terminationMessagePolicy, `${p}.terminationMessagePolicy`, TERMINATION_MESSAGE_POLICIES, errs);
    validatePorts(c.ports, `${p}.ports`, errs);
    objects(c.env).forEach((e, j) => {
      if ((asString(e.name) ?? '') === '') errs.push(required(`${indexPath(`${p}.env`, j)}.name`));
    });
    validateMounts(c.volumeMounts, `${p}.volumeMounts`, volumes, errs);
    errs.push(...validateResources(asObject(c.resources), `${p}.resources`));
  });
}

function validatePorts(ports: unknown, path: string, errs: FieldError[]): void {
  const names = new Set<string>();
  objects(ports).forEach((port, i) => {
    const p = indexPath(path, i);
    const name = asString(port.name) ?? '';
    if (name !== '') {
      for (const msg of isValidPortName(name)) errs.push(invalid(`${p}.name`, name, msg));
      if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      names.add(name);
    }
    const containerPort = asNumber(port.containerPort) ?? 0;
    if (containerPort === 0) errs.push(required(`${p}.containerPort`));
    else for (const msg of isValidPortNum(containerPort)) errs.push(invalid(`${p}.containerPort`, containerPort, msg));
    const hostPort = asNumber(port.hostPort) ?? 0;
    if (hostPort !== 0) for (const msg of isValidPortNum(hostPort)) errs.push(invalid(`${p}.hostPort`, hostPort, msg));
    enumField(port.protocol, `${p}.protocol`, PROTOCOLS, errs);
  });
}

function validateMounts(mounts: unknown, path: string, volumes: Set<string>, errs: FieldError[]): void {
  const paths = new Set<string>();
  objects(mounts).forEach((m, i) => {
    const p = indexPath(path, i);
    const name = asString(m.name) ?? '';
    if (name === '') errs.push(required(`${p}.name`));
    else if (!volumes.has(name)) errs.push(notFound(`${p}.name`, name));
    const mountPath = asString(m.mountPath) ?? '';
    if (mountPath === '') errs.push(required(`${p}.mountPath`));
    else if (paths.has(mountPath)) errs.push(invalid(`${p}.mountPath`, mountPath, 'must be unique'));
    paths.add(mountPath);
  });
}
