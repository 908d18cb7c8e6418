import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { errorText, fieldError } from '../../../lib/error-text';
import { Link } from '../../../lib/router';
import { useLogin, useRegister } from '../api/sign-in';

/** The sign-in or sign-up screen, by mode. */
export default function AuthScreen(props: { mode: 'login' | 'register' }) {
  const isLogin = props.mode === 'login';
  const login = useLogin();
  const register = useRegister();
  const mutation = isLogin ? login : register;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The session gate moves on by itself once the user is known.
    if (isLogin) login.mutate({ username: username.trim(), password });
    else {
      const body = { username: username.trim(), password, display_name: displayName.trim() || undefined };
      register.mutate(body);
    }
  };

  const err = mutation.error;
  const general = err && !fieldError(err, 'username') && !fieldError(err, 'password') ? errorText(err) : undefined;

  return (
    <main className="auth">
      <form className="auth-card" onSubmit={submit} noValidate>
        <h1 className="brand">Parley</h1>
        <h2>{isLogin ? 'Sign in' : 'Create an account'}</h2>
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          minLength={3}
          maxLength={32}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={fieldError(err, 'username')}
        />
        {isLogin ? null : (
          <TextField
            label="Display name (optional)"
            name="display_name"
            autoComplete="nickname"
            maxLength={64}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            error={fieldError(err, 'display_name')}
          />
        )}
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete={isLogin ? 'current-password' : 'new-password'}
          required
          minLength={8}
          maxLength={128}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(err, 'password')}
        />
        {general ? (
          <p className="form-error" role="alert">
            {general}
          </p>
        ) : null}
        <Button type="submit" disabled={mutation.isPending}>
          {isLogin ? 'Sign in' : 'Sign up'}
        </Button>
        <p className="auth-switch">
          {isLogin ? (
            <>
              New here? <Link href="/register">Create an account</Link>
            </>
          ) : (
            <>
              Have an account? <Link href="/login">Sign in</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
