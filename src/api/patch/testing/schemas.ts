// Hand-written OpenAPI v3 schemas for the patch tests, shaped like kube-apiserver's: properties wrap
// `$ref`s in `allOf` and carry the `x-kubernetes-*` extensions beside them, non-pointer structs
// have `default: {}`.
import type { SchemaNode, SchemaResolver } from '../../schema.ts';

const ref = (name: string, extra: SchemaNode = {}): SchemaNode => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], ...extra });
const str: SchemaNode = { type: 'string' };
const int: SchemaNode = { type: 'integer', format: 'int32' };
const stringMap: SchemaNode = { type: 'object', additionalProperties: { type: 'string', default: '' } };
const mapList = (item: string, keys: string[], mergeKey: string, strategy = 'merge'): SchemaNode => ({
  type: 'array',
  items: ref(item, { default: {} }),
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
  'x-kubernetes-patch-merge-key': mergeKey,
  'x-kubernetes-patch-strategy': strategy,
});

export const components: Record<string, SchemaNode> = {
  Deployment: {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: ref('ObjectMeta', { default: {} }),
      spec: ref('DeploymentSpec', { default: {} }),
      status: ref('DeploymentStatus', { default: {} }),
    },
  },
  ObjectMeta: {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: ref('Time'),
      labels: stringMap,
      annotations: stringMap,
      finalizers: {
        type: 'array',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      ownerReferences: mapList('OwnerReference', ['uid'], 'uid'),
      managedFields: { type: 'array', items: ref('ManagedFieldsEntry', { default: {} }) },
    },
  },
  Time: { type: 'string', format: 'date-time' },
  OwnerReference: {
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } },
    'x-kubernetes-map-type': 'atomic',
  },
  ManagedFieldsEntry: {
    type: 'object',
    properties: { manager: str, operation: str, apiVersion: str, time: ref('Time'), fieldsType: str, fieldsV1: { type: 'object' } },
  },
  DeploymentSpec: {
    type: 'object',
    required: ['selector', 'template'],
    properties: {
      replicas: int,
      paused: { type: 'boolean' },
      selector: ref('LabelSelector'),
      template: ref('PodTemplateSpec', { default: {} }),
      strategy: ref('DeploymentStrategy', { default: {} }),
    },
  },
  DeploymentStatus: { type: 'object', properties: { replicas: int, readyReplicas: int } },
  LabelSelector: {
    type: 'object',
    properties: {
      matchLabels: stringMap,
      matchExpressions: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
    },
    'x-kubernetes-map-type': 'atomic',
  },
  DeploymentStrategy: { type: 'object', properties: { type: str, rollingUpdate: ref('RollingUpdateDeployment') } },
  RollingUpdateDeployment: { type: 'object', properties: { maxSurge: ref('IntOrString'), maxUnavailable: ref('IntOrString') } },
  IntOrString: { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true },
  PodTemplateSpec: { type: 'object', properties: { metadata: ref('ObjectMeta', { default: {} }), spec: ref('PodSpec', { default: {} }) } },
  PodSpec: {
    type: 'object',
    required: ['containers'],
    properties: {
      containers: mapList('Container', ['name'], 'name'),
      initContainers: mapList('Container', ['name'], 'name'),
      volumes: mapList('Volume', ['name'], 'name', 'merge,retainKeys'),
      tolerations: { type: 'array', items: ref('Toleration', { default: {} }), 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      restartPolicy: str,
      dnsPolicy: str,
      terminationGracePeriodSeconds: { type: 'integer', format: 'int64' },
    },
  },
  Container: {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      image: str,
      imagePullPolicy: str,
      args: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic' },
      command: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic' },
      ports: mapList('ContainerPort', ['containerPort', 'protocol'], 'containerPort'),
      env: mapList('EnvVar', ['name'], 'name'),
      resources: ref('ResourceRequirements', { default: {} }),
    },
  },
  ContainerPort: {
    type: 'object',
    required: ['containerPort'],
    properties: { name: str, containerPort: int, hostPort: int, protocol: { type: 'string', default: 'TCP' } },
  },
  EnvVar: { type: 'object', required: ['name'], properties: { name: str, value: str } },
  ResourceRequirements: {
    type: 'object',
    properties: { limits: { type: 'object', additionalProperties: ref('Quantity') }, requests: { type: 'object', additionalProperties: ref('Quantity') } },
  },
  Quantity: { type: 'string' },
  Toleration: { type: 'object', properties: { key: str, operator: str, value: str, effect: str } },
  Volume: {
    type: 'object',
    required: ['name'],
    properties: { name: str, emptyDir: ref('EmptyDirVolumeSource'), configMap: ref('ConfigMapVolumeSource'), hostPath: ref('HostPathVolumeSource') },
  },
  EmptyDirVolumeSource: { type: 'object', properties: { medium: str, sizeLimit: ref('Quantity') } },
  ConfigMapVolumeSource: { type: 'object', properties: { name: str, defaultMode: int } },
  HostPathVolumeSource: { type: 'object', required: ['path'], properties: { path: str, type: str } },
  // A custom resource: typed `spec`, free-form `spec.config`.
  Widget: {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: ref('ObjectMeta', { default: {} }),
      spec: {
        type: 'object',
        properties: { size: int, config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    },
  },
};

export function testResolver(schemas: Record<string, SchemaNode> = components): SchemaResolver {
  const byRef = (r: string): SchemaNode => {
    const found = schemas[r.replace('#/components/schemas/', '')];
    if (found === undefined) throw new Error(`unknown schema ${r}`);
    return found;
  };
  return {
    resolve(node: SchemaNode): SchemaNode {
      let current = node;
      for (;;) {
        const lone = current.allOf?.length === 1 ? current.allOf[0] : undefined;
        if (current.$ref !== undefined) current = byRef(current.$ref);
        else if (lone?.$ref !== undefined && current.properties === undefined) current = byRef(lone.$ref);
        else return current;
      }
    },
    component: (name: string) => schemas[name],
  };
}

export const resolver = testResolver();
export const deploymentSchema = components.Deployment as SchemaNode;
export const widgetSchema = components.Widget as SchemaNode;
