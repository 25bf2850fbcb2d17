import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import { useDescope, useUser } from '@descope/react-sdk';
import { Card, Skeleton } from '@/components/ui';
import { useCurrentUser } from '@/lib/auth';
import type { AccountFlags } from '../api/account';
import { AuthenticatorPanel } from './authenticator-panel';
import { ChangeEmailCard } from './change-email-card';
import { ChangePasswordCard } from './change-password-card';
import { PasskeyCard } from './passkey-card';
import { SignInHistoryCard } from './sign-in-history-card';
import './profile.css';

/**
 * The signed-in user's sign-in methods: password, authenticator app, passkeys,
 * email (changed with a code) and recent sign-ins. `resetNotice` is shown on
 * the password card after a password-reset link.
 */
export function AccountView({ resetNotice }: { resetNotice?: string }) {
  const { user: raw } = useUser();
  const { user } = useCurrentUser();
  const sdk = useDescope();
  const flags = (raw ?? {}) as AccountFlags;
  const loginId = raw?.loginIds?.[0] ?? '';
  // The user object (and its flags) again, after a change the server made.
  const reloadUser = useCallback(() => void sdk.me().catch(() => {}), [sdk]);

  return (
    <div className="profile">
      <Card className="profile__identity" aria-labelledby="account-heading">
        <div className="profile__who">
          <h1 id="account-heading" className="profile__name">
            Account
          </h1>
          <p className="profile__email">
            {user ? user.email : <Skeleton width="short" />} ·{' '}
            <Link to="/profile">Back to your profile</Link>
          </p>
        </div>
      </Card>
      {raw ? (
        <>
          <ChangePasswordCard
            loginId={loginId}
            hasPassword={Boolean(flags.password)}
            notice={resetNotice}
          />
          <ChangeEmailCard
            loginId={loginId}
            email={user?.email ?? loginId}
            verified={Boolean(flags.verifiedEmail)}
            onChanged={reloadUser}
          />
          <PasskeyCard
            loginId={loginId}
            hasPasskey={Boolean(flags.webauthn)}
            onChanged={reloadUser}
          />
          <AuthenticatorPanel hasTotp={Boolean(flags.TOTP)} onChanged={reloadUser} />
          <SignInHistoryCard />
        </>
      ) : (
        <Card aria-busy="true" aria-label="Loading your account">
          <Skeleton width="medium" />
        </Card>
      )}
    </div>
  );
}
