// The kubelet's rule for several credentials matching one image: try them in order; one the
// registry refuses (UNAUTHORIZED or DENIED) moves on to the next, anything else (a missing tag,
// a TLS failure) is the answer. Shared by pull and push.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/images/image_manager.go (pull secrets tried in order)
import { describeCredential } from './credential.ts';
import type { Credential } from './credential.ts';
import { ErrorCode, ImageError, isImageError } from './errors.ts';

export interface CredentialAttempts {
  /** "pulling" or "pushing", for the message when every credential is refused. */
  action: string;
  image: string;
  registry: string;
  /** When every refusal was DENIED, say DENIED (push: the credential lacks rights) rather than UNAUTHORIZED. */
  deniedWhenAllDenied?: boolean;
}

export async function tryCredentials<T>(
  credentials: readonly Credential[] | undefined,
  attempt: (credential: Credential | undefined) => Promise<T>,
  what: CredentialAttempts,
): Promise<T> {
  const creds: (Credential | undefined)[] = credentials?.length ? [...credentials] : [undefined];
  const failures: ImageError[] = [];
  for (const credential of creds) {
    try {
      return await attempt(credential);
    } catch (err) {
      if (isImageError(err, ErrorCode.Unauthorized) || isImageError(err, ErrorCode.Denied)) {
        failures.push(err as ImageError);
        continue;
      }
      throw err;
    }
  }
  if (failures.length === 1) throw failures[0];
  const code = what.deniedWhenAllDenied === true && failures.every((f) => f.code === ErrorCode.Denied) ? ErrorCode.Denied : ErrorCode.Unauthorized;
  throw new ImageError(
    code,
    `${what.action} ${what.image}: every credential for ${what.registry} was refused (${creds.map(describeCredential).join(', ')}):\n${failures.map((f) => `  - ${f.message}`).join('\n')}`,
    { registry: what.registry, cause: failures },
  );
}
