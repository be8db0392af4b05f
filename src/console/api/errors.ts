// What went wrong talking to the API server, in words a person can act on. A 422's causes keep
// their field paths so forms can show each message next to its field.

export interface Cause {
  reason: string;
  message: string;
  field?: string;
}

export class ConsoleApiError extends Error {
  override readonly name = 'ConsoleApiError';
  readonly status: number;
  readonly reason: string;
  readonly causes: Cause[];
  constructor(status: number, reason: string, message: string, causes: Cause[] = []) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }
}

/** The error for a non-2xx answer: the server's Status message when it sent one. */
export function errorFromStatus(status: number, body: unknown, what: string): ConsoleApiError {
  const s = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const reason = typeof s['reason'] === 'string' ? s['reason'] : '';
  const details = typeof s['details'] === 'object' && s['details'] !== null ? (s['details'] as Record<string, unknown>) : {};
  const causes = Array.isArray(details['causes']) ? (details['causes'] as Cause[]) : [];
  let message = typeof s['message'] === 'string' && s['message'] !== '' ? s['message'] : `${what} failed with HTTP ${status}`;
  if (status === 401) message = 'The API server refused the token (401 Unauthorized): sign in again with the token from your kubeconfig.';
  if (status === 403) message = `${message} (403 Forbidden): this token may not do that; sign in with a token that may.`;
  return new ConsoleApiError(status, reason, message, causes);
}

export function networkError(err: unknown): ConsoleApiError {
  const detail = err instanceof Error ? err.message : String(err);
  return new ConsoleApiError(0, 'NetworkError', `Cannot reach the Ferry API server (${detail}): check that \`ferry server\` is running, then retry.`);
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
