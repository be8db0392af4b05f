// The token lives in memory and, so a reload keeps the tab signed in, in this tab's
// sessionStorage: gone when the tab closes. Never localStorage, never a cookie or a URL.
const KEY = 'ferry.console.token';
const NAMESPACE_KEY = 'ferry.console.namespace';

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

export function loadToken(): string | undefined {
  return storage()?.getItem(KEY) ?? undefined;
}

export function saveToken(token: string): void {
  storage()?.setItem(KEY, token);
}

export function clearToken(): void {
  storage()?.removeItem(KEY);
}

export function loadNamespace(): string {
  return storage()?.getItem(NAMESPACE_KEY) ?? 'default';
}

export function saveNamespace(namespace: string): void {
  storage()?.setItem(NAMESPACE_KEY, namespace);
}
