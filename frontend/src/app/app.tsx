import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useState } from 'react';
import { Spinner } from '../components/ui/spinner';
import { meKey, useMe } from '../features/auth/api/me';
import { useLogout } from '../features/auth/api/logout';
import { onUnauthorized } from '../lib/api-client';
import { errorText } from '../lib/error-text';
import { createQueryClient } from '../lib/query-client';
import { navigate, usePathname, useRoute } from '../lib/router';
import { AdminDashboard, AuthScreen, SignedIn } from './routes';

/** The whole app: server-state cache, session gate and routes. */
export function App(props: { knownSignedOut?: boolean }) {
  const [queryClient] = useState(() => {
    const qc = createQueryClient();
    if (props.knownSignedOut) qc.setQueryData(meKey, null);
    return qc;
  });
  return (
    <QueryClientProvider client={queryClient}>
      <Suspense fallback={<Splash />}>
        <SessionGate />
      </Suspense>
    </QueryClientProvider>
  );
}

function SessionGate() {
  const qc = useQueryClient();
  const me = useMe();
  const logout = useLogout();
  const route = useRoute();
  const pathname = usePathname();
  const user = me.data;
  const onAuthPage = route.name === 'login' || route.name === 'register';

  // An API 401 means the session is over: back to the sign-in screen.
  useEffect(() => onUnauthorized(() => qc.setQueryData(meKey, null)), [qc]);
  useEffect(() => {
    if (user && onAuthPage) navigate('/', { replace: true });
  }, [user, onAuthPage]);

  // The dashboard needs no socket or sidebar, and its API decides who may
  // see it (anyone else, signed in or not, gets its "Not found").
  if (pathname === '/admin' || pathname === '/admin/') return <AdminDashboard />;
  if (me.isPending) return <Splash />;
  if (me.isError) {
    return (
      <main className="auth">
        <div className="auth-card">
          <h1 className="brand">Parley</h1>
          <p className="form-error">{errorText(me.error)}</p>
          <button type="button" className="btn btn-primary" onClick={() => void me.refetch()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!user) return <AuthScreen mode={route.name === 'register' ? 'register' : 'login'} />;
  return (
    <SignedIn
      key={user.id}
      me={user}
      onLogout={() => logout.mutate(user.id, { onSuccess: () => navigate('/login') })}
    />
  );
}

function Splash() {
  return (
    <main className="splash">
      <Spinner />
    </main>
  );
}
