#!/usr/bin/python3
"""The official Python client (Debian's python3-kubernetes) against Ferry.

Usage: python_journey.py KUBECONFIG

Creates, lists, watches, patches, replaces and deletes through `kubernetes.client`, and prints one
JSON object with what it observed; test/python-client.test.ts asserts on it. Exits 1 (still
printing the JSON, with "error") when a call raises something the journey does not expect.
"""
import base64
import json
import sys
import threading
import time
import traceback

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

NAMESPACE = 'default'
SECRET = 'py-regcred'
DEPLOYMENT = 'py-web'
CONFIG_MAP = 'py-watched'
IC_GROUP, IC_VERSION, IC_PLURAL = 'eci.alibabacloud.com', 'v1', 'imagecaches'
IMAGE_CACHE = 'py-cache'

observed = {}


def status_of(call):
    """The HTTP status and reason of an ApiException the call raises, or None when it succeeds."""
    try:
        call()
    except ApiException as error:
        body = {}
        try:
            body = json.loads(error.body or '{}')
        except ValueError:
            pass
        return {'status': error.status, 'reason': body.get('reason'), 'kind': body.get('kind'),
                'code': body.get('code'), 'message': body.get('message')}
    return None


def labels_of(obj):
    return dict(obj.metadata.labels or {})


def journey(kubeconfig):
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    apps = client.AppsV1Api()
    custom = client.CustomObjectsApi()

    # Create: a docker-registry secret and a deployment.
    docker_config = {'auths': {'www.example.com': {
        'username': 'ssl', 'password': 'xxx', 'email': 'example@123.com',
        'auth': base64.b64encode(b'ssl:xxx').decode()}}}
    secret = core.create_namespaced_secret(NAMESPACE, client.V1Secret(
        metadata=client.V1ObjectMeta(name=SECRET),
        type='kubernetes.io/dockerconfigjson',
        data={'.dockerconfigjson': base64.b64encode(json.dumps(docker_config).encode()).decode()}))
    observed['secret'] = {
        'name': secret.metadata.name, 'namespace': secret.metadata.namespace, 'type': secret.type,
        'uid': secret.metadata.uid, 'resourceVersion': secret.metadata.resource_version,
        'dockerconfigjson': json.loads(base64.b64decode(secret.data['.dockerconfigjson'])),
    }

    labels = {'app': DEPLOYMENT}
    deployment = apps.create_namespaced_deployment(NAMESPACE, client.V1Deployment(
        metadata=client.V1ObjectMeta(name=DEPLOYMENT, labels={'app': DEPLOYMENT, 'tier': 'web'}),
        spec=client.V1DeploymentSpec(
            replicas=1,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(
                    image_pull_secrets=[client.V1LocalObjectReference(name=SECRET)],
                    containers=[
                        client.V1Container(name='web', image='nginx:1.25',
                                           ports=[client.V1ContainerPort(container_port=80)]),
                        client.V1Container(name='sidecar', image='busybox:1.36', command=['sleep', 'infinity']),
                    ])))))
    observed['deployment'] = {
        'name': deployment.metadata.name, 'uid': deployment.metadata.uid,
        'resourceVersion': deployment.metadata.resource_version, 'generation': deployment.metadata.generation,
        'apiVersion': deployment.api_version, 'kind': deployment.kind,
        'strategy': deployment.spec.strategy.type if deployment.spec.strategy else None,
    }
    created_deployment = deployment

    # List.
    deployments = apps.list_namespaced_deployment(NAMESPACE)
    secrets = core.list_namespaced_secret(NAMESPACE)
    observed['list'] = {
        'deployments': sorted(d.metadata.name for d in deployments.items),
        'deploymentsResourceVersion': deployments.metadata.resource_version,
        'secrets': sorted(s.metadata.name for s in secrets.items),
        'secretTypes': {s.metadata.name: s.type for s in secrets.items},
        'allDeployments': sorted(f'{d.metadata.namespace}/{d.metadata.name}'
                                 for d in apps.list_deployment_for_all_namespaces().items),
        'bySelector': sorted(d.metadata.name for d in
                             apps.list_namespaced_deployment(NAMESPACE, label_selector='tier=web').items),
        'byOtherSelector': sorted(d.metadata.name for d in
                                  apps.list_namespaced_deployment(NAMESPACE, label_selector='tier=db').items),
    }

    # Watch config maps from a list's resourceVersion while creating, patching and deleting one.
    config_maps = core.list_namespaced_config_map(NAMESPACE)
    list_rv = config_maps.metadata.resource_version
    events = []
    watch_errors = []
    watcher = watch.Watch()

    def watch_config_maps():
        try:
            for event in watcher.stream(core.list_namespaced_config_map, NAMESPACE,
                                        resource_version=list_rv, timeout_seconds=30):
                obj = event['object']
                if obj.metadata.name != CONFIG_MAP:
                    continue
                events.append({'type': event['type'], 'name': obj.metadata.name,
                               'kind': obj.kind, 'resourceVersion': obj.metadata.resource_version,
                               'data': dict(obj.data or {})})
                if event['type'] == 'DELETED':
                    watcher.stop()
                    break
        except Exception as error:  # reported, not swallowed: the test asserts there are none
            watch_errors.append(f'{type(error).__name__}: {error}')

    thread = threading.Thread(target=watch_config_maps, daemon=True)
    thread.start()
    created_cm = core.create_namespaced_config_map(NAMESPACE, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name=CONFIG_MAP), data={'step': 'created'}))
    patched_cm = core.patch_namespaced_config_map(CONFIG_MAP, NAMESPACE, {'data': {'step': 'patched'}})
    core.delete_namespaced_config_map(CONFIG_MAP, NAMESPACE)
    thread.join(timeout=40)
    observed['watch'] = {
        'listResourceVersion': list_rv,
        'events': events,
        'errors': watch_errors,
        'finished': not thread.is_alive(),
        'createdResourceVersion': created_cm.metadata.resource_version,
        'patchedResourceVersion': patched_cm.metadata.resource_version,
    }

    # Patch: strategic merge (containers merge by name), then a JSON merge patch of the labels.
    strategic = apps.patch_namespaced_deployment(DEPLOYMENT, NAMESPACE, {
        'metadata': {'labels': {'patched': 'strategic'}},
        'spec': {'replicas': 2, 'template': {'spec': {'containers': [{'name': 'web', 'image': 'nginx:1.27'}]}}},
    })
    observed['strategicPatch'] = {
        'replicas': strategic.spec.replicas,
        'containers': [[c.name, c.image] for c in strategic.spec.template.spec.containers],
        'labels': labels_of(strategic),
        'generation': strategic.metadata.generation,
        'resourceVersion': strategic.metadata.resource_version,
    }

    # The generated method always sends strategic merge for a dict; a JSON merge patch needs the
    # content type set by hand (the client's documented way for this version).
    merged = apps.api_client.call_api(
        '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'PATCH',
        {'namespace': NAMESPACE, 'name': DEPLOYMENT}, [],
        {'Content-Type': 'application/merge-patch+json', 'Accept': 'application/json'},
        body={'metadata': {'labels': {'tier': None, 'patched': 'merge'}}},
        response_type='V1Deployment', auth_settings=['BearerToken'], _return_http_data_only=True)
    observed['mergePatch'] = {'labels': labels_of(merged), 'replicas': merged.spec.replicas}

    read_back = apps.read_namespaced_deployment(DEPLOYMENT, NAMESPACE)
    observed['readBack'] = {
        'labels': labels_of(read_back),
        'replicas': read_back.spec.replicas,
        'containers': [[c.name, c.image] for c in read_back.spec.template.spec.containers],
        'imagePullSecrets': [s.name for s in read_back.spec.template.spec.image_pull_secrets or []],
        'uid': read_back.metadata.uid,
        'resourceVersion': read_back.metadata.resource_version,
    }

    # Replace (PUT) with the resourceVersion from before the patches: a 409 Conflict.
    stale = created_deployment
    stale.spec.replicas = 5
    observed['staleReplace'] = status_of(lambda: apps.replace_namespaced_deployment(DEPLOYMENT, NAMESPACE, stale))
    # And with the current one it goes through.
    fresh = apps.read_namespaced_deployment(DEPLOYMENT, NAMESPACE)
    fresh.spec.replicas = 3
    replaced = apps.replace_namespaced_deployment(DEPLOYMENT, NAMESPACE, fresh)
    observed['freshReplace'] = {'replicas': replaced.spec.replicas,
                                'resourceVersionChanged': replaced.metadata.resource_version
                                != fresh.metadata.resource_version}

    # ImageCache, the cluster-scoped custom kind.
    cache = custom.create_cluster_custom_object(IC_GROUP, IC_VERSION, IC_PLURAL, {
        'apiVersion': f'{IC_GROUP}/{IC_VERSION}', 'kind': 'ImageCache',
        'metadata': {'name': IMAGE_CACHE},
        'spec': {'images': ['nginx:1.25'], 'imagePullSecrets': ['default:test']},
    })
    caches = custom.list_cluster_custom_object(IC_GROUP, IC_VERSION, IC_PLURAL)
    patched_cache = custom.patch_cluster_custom_object(IC_GROUP, IC_VERSION, IC_PLURAL, IMAGE_CACHE,
                                                       {'spec': {'retentionDays': 7}})
    got_cache = custom.get_cluster_custom_object(IC_GROUP, IC_VERSION, IC_PLURAL, IMAGE_CACHE)
    custom.delete_cluster_custom_object(IC_GROUP, IC_VERSION, IC_PLURAL, IMAGE_CACHE)
    observed['imageCache'] = {
        'created': {'apiVersion': cache.get('apiVersion'), 'kind': cache.get('kind'),
                    'name': cache['metadata'].get('name'), 'namespace': cache['metadata'].get('namespace'),
                    'uid': cache['metadata'].get('uid'), 'spec': cache.get('spec')},
        'listKind': caches.get('kind'),
        'listed': [item['metadata']['name'] for item in caches.get('items', [])],
        'patchedSpec': patched_cache.get('spec'),
        'gotSpec': got_cache.get('spec'),
        'afterDelete': status_of(lambda: custom.get_cluster_custom_object(IC_GROUP, IC_VERSION, IC_PLURAL,
                                                                          IMAGE_CACHE)),
    }

    # Delete, then 404.
    apps.delete_namespaced_deployment(DEPLOYMENT, NAMESPACE)
    core.delete_namespaced_secret(SECRET, NAMESPACE)
    observed['afterDelete'] = {
        'deployment': status_of(lambda: apps.read_namespaced_deployment(DEPLOYMENT, NAMESPACE)),
        'secret': status_of(lambda: core.read_namespaced_secret(SECRET, NAMESPACE)),
        'deleteAgain': status_of(lambda: apps.delete_namespaced_deployment(DEPLOYMENT, NAMESPACE)),
        'deployments': sorted(d.metadata.name for d in apps.list_namespaced_deployment(NAMESPACE).items),
        'secrets': sorted(s.metadata.name for s in core.list_namespaced_secret(NAMESPACE).items),
    }


def main():
    if len(sys.argv) != 2:
        print('usage: python_journey.py KUBECONFIG', file=sys.stderr)
        return 2
    started = time.monotonic()
    code = 0
    try:
        journey(sys.argv[1])
    except Exception as error:  # the JSON says where the journey stopped
        observed['error'] = f'{type(error).__name__}: {error}'
        traceback.print_exc()
        code = 1
    observed['seconds'] = round(time.monotonic() - started, 3)
    print(json.dumps(observed))
    return code


if __name__ == '__main__':
    sys.exit(main())
