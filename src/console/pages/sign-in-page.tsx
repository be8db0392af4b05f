// Sign in with a bearer token: checked against the API server before the console opens.
import { Logo } from '../components/logo.tsx';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiClient } from '../api/client.ts';
import { messageOf } from '../api/errors.ts';
import { TextField } from '../components/fields.tsx';

interface Props {
  onSignedIn(token: string): void;
  notice?: string | undefined;
}

export function SignInPage({ onSignedIn, notice }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const value = token.trim();
    if (value === '') {
      setError('Enter the token from your kubeconfig (users[0].user.token).');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await new ApiClient(value).list('/api/v1/namespaces?limit=1');
      onSignedIn(value);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">
          <Logo />
          Ferry console
        </h1>
        <p className="muted">Sign in with a token the API server accepts, such as the admin token of Ferry&apos;s kubeconfig.</p>
        <TextField
          id="token"
          label="Token"
          type="password"
          value={token}
          onChange={setToken}
          error={error}
          autoFocus
          autoComplete="current-password"
          hint={
            <>
              Print it with <code>kubectl config view --raw -o jsonpath=&apos;{'{.users[0].user.token}'}&apos;</code> (KUBECONFIG set to Ferry&apos;s admin.kubeconfig). It is kept for this tab only.
            </>
          }
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
