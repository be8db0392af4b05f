// The signed-in session: the API client (holding the token) and the chosen namespace.
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.ts';

export interface Session {
  client: ApiClient;
  namespace: string;
  setNamespace(namespace: string): void;
  signOut(): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession needs a signed-in SessionContext');
  return session;
}
