// Pod spec defaulting shared by Pods and every pod template (Deployment, ReplicaSet, StatefulSet).
// `kubectl describe` shows these, and looks broken without them (`Port: 80/`).
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/v1/defaults.go
import type { JsonObject } from '../object.ts';
import { defaultPullPolicy } from './image-ref.ts';
import { asObject, asString, ensureObject, objects, setDefault, setDefaultString } from './json-access.ts';

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];
/** 0644, the mode of files projected from Secrets, ConfigMaps and the downward API. */
const DEFAULT_FILE_MODE = 420;

export function defaultPodSpec(spec: JsonObject): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefaultString(spec, 'schedulerName', 'default-scheduler');
  const all = [...objects(spec.initContainers), ...objects(spec.containers)];
  for (const c of all) defaultContainer(c);
  for (const c of objects(spec.ephemeralContainers)) {
    setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
    setDefaultString(c, 'terminationMessagePolicy', 'File');
    if (asString(c.image) !== undefined) setDefaultString(c, 'imagePullPolicy', defaultPullPolicy(c.image as string));
  }
  if (spec.hostNetwork === true) {
    // With the host's network a container port is a host port.
    for (const c of all) for (const p of objects(c.ports)) if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort ?? 0;
  }
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

export function defaultContainer(c: JsonObject): void {
  setDefaultString(c, 'imagePullPolicy', defaultPullPolicy(asString(c.image) ?? ''));
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const p of objects(c.ports)) setDefaultString(p, 'protocol', 'TCP');
  for (const e of objects(c.env)) {
    const fieldRef = asObject(asObject(e.valueFrom)?.fieldRef);
    if (fieldRef !== undefined) setDefaultString(fieldRef, 'apiVersion', 'v1');
  }
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = asObject(c[key]);
    if (probe !== undefined) defaultProbe(probe);
  }
  const lifecycle = asObject(c.lifecycle);
  for (const hook of [asObject(lifecycle?.postStart), asObject(lifecycle?.preStop)]) {
    const httpGet = asObject(hook?.httpGet);
    if (httpGet !== undefined) defaultHttpGet(httpGet);
  }
}

function defaultProbe(probe: JsonObject): void {
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  const httpGet = asObject(probe.httpGet);
  if (httpGet !== undefined) defaultHttpGet(httpGet);
  const grpc = asObject(probe.grpc);
  if (grpc !== undefined) setDefault(grpc, 'service', '');
}

function defaultHttpGet(action: JsonObject): void {
  setDefaultString(action, 'path', '/');
  setDefaultString(action, 'scheme', 'HTTP');
}

function defaultVolume(v: JsonObject): void {
  if (!VOLUME_SOURCES.some((k) => asObject(v[k]) !== undefined)) v.emptyDir = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = asObject(v[key]);
    if (source !== undefined) setDefault(source, 'defaultMode', DEFAULT_FILE_MODE);
  }
  for (const fieldRef of objects(asObject(v.downwardAPI)?.items).map((i) => asObject(i.fieldRef))) {
    if (fieldRef !== undefined) setDefaultString(fieldRef, 'apiVersion', 'v1');
  }
  const hostPath = asObject(v.hostPath);
  if (hostPath !== undefined) setDefault(hostPath, 'type', '');
}

/** Defaults of a pod template: its spec as a pod's (pod-only defaults are not applied). */
export function defaultPodTemplate(template: JsonObject): void {
  ensureObject(template, 'metadata');
  defaultPodSpec(ensureObject(template, 'spec'));
}
