import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, refreshSession, signIn as apiSignIn, signOut as apiSignOut } from './api/client';
import type { Me } from './api/types';

interface Session {
  me: Me | null;
  ready: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  reload(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);

  const reload = useCallback(async () => {
    try {
      setMe(await api<Me>('/api/v1/auth/me'));
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    // A reload keeps the session through the HttpOnly refresh cookie; nothing is read from storage.
    refreshSession()
      .then((ok) => (ok ? reload() : undefined))
      .finally(() => setReady(true));
  }, [reload]);

  const value = useMemo<Session>(
    () => ({
      me,
      ready,
      reload,
      async signIn(email, password) {
        await apiSignIn(email, password);
        await reload();
      },
      async signOut() {
        await apiSignOut();
        setMe(null);
      },
    }),
    [me, ready, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
