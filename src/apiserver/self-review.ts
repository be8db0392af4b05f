// "Who am I" and "may I": SelfSubjectReview (kubectl auth whoami) and SelfSubjectAccessReview /
// SelfSubjectRulesReview (kubectl auth can-i [--list]). Ferry has one authenticated user, the
// admin, who may do everything, so the answers need no authorizer.
// https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isJsonObject } from '../api/object.ts';
import { mediaType, parseJson } from './body.ts';
import { readBody, sendJson } from './http-io.ts';
import { errors } from './status.ts';

const ROUTES: Record<string, { apiVersion: string; kind: string }> = {
  '/apis/authentication.k8s.io/v1/selfsubjectreviews': { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  // kubectl 1.27 asks the beta and alpha versions (GA came in 1.28).
  '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews': { apiVersion: 'authentication.k8s.io/v1beta1', kind: 'SelfSubjectReview' },
  '/apis/authentication.k8s.io/v1alpha1/selfsubjectreviews': { apiVersion: 'authentication.k8s.io/v1alpha1', kind: 'SelfSubjectReview' },
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews': { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview' },
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews': { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview' },
};

function status(kind: string, user: string): Record<string, unknown> {
  switch (kind) {
    case 'SelfSubjectReview':
      return { userInfo: { username: user, groups: ['system:masters', 'system:authenticated'] } };
    case 'SelfSubjectAccessReview':
      return { allowed: true, reason: `user "${user}" is a cluster administrator` };
    default:
      return {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      };
  }
}

/** Returns false when the path is not one of these reviews. */
export async function handleSelfReview(req: IncomingMessage, res: ServerResponse, pathname: string, user: string): Promise<boolean> {
  const route = ROUTES[pathname];
  if (route === undefined) return false;
  if (req.method !== 'POST') throw errors.methodNotAllowed();
  const body = await readBody(req);
  // kubectl >= 1.32 may send these as protobuf; the answer does not depend on the spec.
  const spec = mediaType(req.headers['content-type']) === 'application/json' && body.length > 0 ? parseJson(body) : undefined;
  const echoed = isJsonObject(spec) && isJsonObject(spec['spec']) ? { spec: spec['spec'] } : {};
  sendJson(res, 201, { kind: route.kind, apiVersion: route.apiVersion, metadata: { creationTimestamp: null }, ...echoed, status: status(route.kind, user) });
  return true;
}
