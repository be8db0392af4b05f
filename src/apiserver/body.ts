// Request bodies: JSON, YAML and Kubernetes protobuf (kubectl >= 1.32 sends `create secret`,
// `configmap`, `namespace` and `deployment` as protobuf with no JSON fallback: research note 0.4).
import { parse as parseYaml } from 'yaml';
import { isJsonObject } from '../api/object.ts';
import type { KubeObject } from '../api/object.ts';
import { decodeKubernetesProtobuf } from '../api/protobuf/index.ts';
import { errors } from './status.ts';

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? 'application/json';
}

export function parseJson(body: Buffer, what = 'request body'): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw errors.badRequest(`error decoding ${what}: ${(error as Error).message}`);
  }
}

export function parseYamlOrJson(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'), { schema: 'core', uniqueKeys: true }) as unknown;
  } catch (error) {
    throw errors.badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}

/** An object from a create or update body, by its Content-Type. */
export function decodeObject(contentType: string | undefined, body: Buffer): KubeObject {
  const type = mediaType(contentType);
  let value: unknown;
  if (type === 'application/json' || type === '*/*' || type === '') value = parseJson(body);
  else if (type === 'application/yaml') value = parseYamlOrJson(body);
  else if (type === 'application/vnd.kubernetes.protobuf') {
    try {
      value = decodeKubernetesProtobuf(body);
    } catch (error) {
      throw errors.badRequest(`error decoding protobuf request body: ${(error as Error).message}`);
    }
  } else throw errors.unsupportedMediaType();
  if (!isJsonObject(value)) throw errors.badRequest('the request body must be a JSON object');
  const object = value as unknown as KubeObject;
  if (object.metadata === undefined || object.metadata === null) object.metadata = {};
  else if (!isJsonObject(object.metadata)) throw errors.badRequest('metadata must be an object');
  return object;
}
