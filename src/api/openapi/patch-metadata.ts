// Strategic-merge and server-side-apply metadata of the served built-in types, as Kubernetes
// declares it in its Go types with `+patchMergeKey`, `+patchStrategy`, `+listType`,
// `+listMapKey`, `+mapType` and `+structType` comments:
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/api/core/v1/types.go
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/api/apps/v1/types.go
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go
// The client library the generator reads has the types but not these markers, so they are kept
// here by hand; the generator copies them onto the properties of schemas.json.
import type { SchemaNode } from '../schema.ts';

export type PatchMetadata = Pick<
  SchemaNode,
  | 'x-kubernetes-patch-merge-key'
  | 'x-kubernetes-patch-strategy'
  | 'x-kubernetes-list-type'
  | 'x-kubernetes-list-map-keys'
  | 'x-kubernetes-map-type'
>;

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const atomic: PatchMetadata = { 'x-kubernetes-list-type': 'atomic' };
const set: PatchMetadata = { 'x-kubernetes-list-type': 'set' };

/** `+patchMergeKey=key +patchStrategy=<strategy> +listType=map +listMapKey=<keys>`. */
function mergeMap(key: string, keys: string[] = [key], strategy = 'merge'): PatchMetadata {
  return {
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': strategy,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': keys,
  };
}

/** `+listType=map +listMapKey=<keys>` with no strategic-merge key. */
function listMap(...keys: string[]): PatchMetadata {
  return { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys };
}

const conditions = mergeMap('type');

// Container and EphemeralContainerCommon carry the same markers.
const containerFields: Record<string, PatchMetadata> = {
  command: atomic,
  args: atomic,
  ports: mergeMap('containerPort', ['containerPort', 'protocol']),
  envFrom: atomic,
  env: mergeMap('name'),
  resizePolicy: atomic,
  restartPolicyRules: atomic,
  volumeMounts: mergeMap('mountPath'),
  volumeDevices: mergeMap('devicePath'),
};

/** Component name → property name → the extensions Kubernetes publishes on that property. */
export const propertyPatchMetadata: Record<string, Record<string, PatchMetadata>> = {
  [META + 'ObjectMeta']: {
    finalizers: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
    ownerReferences: mergeMap('uid'),
    managedFields: atomic,
  },
  [META + 'LabelSelector']: { matchExpressions: atomic },
  [META + 'LabelSelectorRequirement']: { values: atomic },
  [META + 'StatusDetails']: { causes: atomic },
  [META + 'DeleteOptions']: { dryRun: atomic },

  [CORE + 'PodSpec']: {
    volumes: mergeMap('name', ['name'], 'merge,retainKeys'),
    initContainers: mergeMap('name'),
    containers: mergeMap('name'),
    ephemeralContainers: mergeMap('name'),
    imagePullSecrets: mergeMap('name'),
    tolerations: atomic,
    hostAliases: mergeMap('ip'),
    readinessGates: atomic,
    topologySpreadConstraints: mergeMap('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    schedulingGates: mergeMap('name'),
    resourceClaims: mergeMap('name', ['name'], 'merge,retainKeys'),
    nodeSelector: { 'x-kubernetes-map-type': 'atomic' },
  },
  [CORE + 'PodStatus']: {
    conditions,
    hostIPs: { 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'atomic' },
    podIPs: mergeMap('ip'),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: mergeMap('name', ['name'], 'merge,retainKeys'),
  },
  [CORE + 'PodExtendedResourceClaimStatus']: { requestMappings: atomic },
  [CORE + 'Container']: containerFields,
  [CORE + 'EphemeralContainer']: containerFields,
  [CORE + 'ContainerStatus']: {
    volumeMounts: mergeMap('mountPath'),
    allocatedResourcesStatus: mergeMap('name'),
  },
  [CORE + 'ContainerRestartRuleOnExitCodes']: { values: set },
  [CORE + 'ResourceStatus']: { resources: listMap('resourceID') },
  [CORE + 'ResourceRequirements']: { claims: listMap('name') },
  [CORE + 'LinuxContainerUser']: { supplementalGroups: atomic },
  [CORE + 'PodSecurityContext']: { supplementalGroups: atomic, sysctls: atomic },
  [CORE + 'Capabilities']: { add: atomic, drop: atomic },
  [CORE + 'PodDNSConfig']: { nameservers: atomic, searches: atomic, options: atomic },
  [CORE + 'HostAlias']: { hostnames: atomic },
  [CORE + 'ExecAction']: { command: atomic },
  [CORE + 'HTTPGetAction']: { httpHeaders: atomic },
  [CORE + 'TopologySpreadConstraint']: { matchLabelKeys: atomic },
  [CORE + 'NodeAffinity']: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [CORE + 'NodeSelector']: { nodeSelectorTerms: atomic },
  [CORE + 'NodeSelectorTerm']: { matchExpressions: atomic, matchFields: atomic },
  [CORE + 'NodeSelectorRequirement']: { values: atomic },
  [CORE + 'PodAffinity']: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [CORE + 'PodAntiAffinity']: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [CORE + 'PodAffinityTerm']: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  [CORE + 'ProjectedVolumeSource']: { sources: atomic },
  [CORE + 'ConfigMapVolumeSource']: { items: atomic },
  [CORE + 'ConfigMapProjection']: { items: atomic },
  [CORE + 'SecretVolumeSource']: { items: atomic },
  [CORE + 'SecretProjection']: { items: atomic },
  [CORE + 'DownwardAPIVolumeSource']: { items: atomic },
  [CORE + 'DownwardAPIProjection']: { items: atomic },
  [CORE + 'CephFSVolumeSource']: { monitors: atomic },
  [CORE + 'RBDVolumeSource']: { monitors: atomic },
  [CORE + 'ISCSIVolumeSource']: { portals: atomic },
  [CORE + 'FCVolumeSource']: { targetWWNs: atomic, wwids: atomic },
  [CORE + 'PersistentVolumeClaimSpec']: { accessModes: atomic },
  [CORE + 'PersistentVolumeClaimStatus']: {
    accessModes: atomic,
    conditions,
    allocatedResourceStatuses: { 'x-kubernetes-map-type': 'granular' },
  },
  [CORE + 'NamespaceSpec']: { finalizers: atomic },
  [CORE + 'NamespaceStatus']: { conditions },
  [CORE + 'NodeSpec']: {
    podCIDRs: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
    taints: atomic,
  },
  [CORE + 'NodeStatus']: {
    conditions,
    addresses: mergeMap('type'),
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
    runtimeHandlers: atomic,
    declaredFeatures: atomic,
  },
  [CORE + 'ContainerImage']: { names: atomic },

  [APPS + 'DeploymentSpec']: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  [APPS + 'DeploymentStatus']: { conditions },
  [APPS + 'ReplicaSetStatus']: { conditions },
  [APPS + 'StatefulSetSpec']: { volumeClaimTemplates: atomic },
  [APPS + 'StatefulSetStatus']: { conditions },
};

/** Types marked `+structType=atomic`: apply and SMP replace them whole. */
export const atomicStructs: string[] = [
  META + 'LabelSelector',
  META + 'OwnerReference',
  CORE + 'LocalObjectReference',
  CORE + 'ObjectReference',
  CORE + 'TypedLocalObjectReference',
  CORE + 'ConfigMapKeySelector',
  CORE + 'SecretKeySelector',
  CORE + 'FileKeySelector',
  CORE + 'ObjectFieldSelector',
  CORE + 'ResourceFieldSelector',
  CORE + 'NodeSelector',
  CORE + 'NodeSelectorTerm',
];
