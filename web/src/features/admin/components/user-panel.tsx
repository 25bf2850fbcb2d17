import { useEffect, useId, useRef, useState } from 'react';
import { Alert, Button, Card } from '@/components/ui';
import {
  removePasskeys,
  removeTotp,
  setUserRoles,
  setUserStatus,
  signOutEverywhere,
} from '../api/mgmt';
import { enrolledMethods, loginIdOf, type ManagedUser, type Role } from '../api/types';
import { useMgmtAction } from '../hooks/use-mgmt';
import { Confirm } from './confirm';
import { RoleCheckboxes } from './role-checkboxes';
import { StatusBadge } from './status-badge';
import { When } from './when';

type UserPanelProps = {
  user: ManagedUser;
  roles: Role[] | undefined;
  /** The panel shows the signed-in admin's own account. */
  isSelf: boolean;
  onUpdated: (user: ManagedUser) => void;
  onClose: () => void;
};

type Confirming = 'deactivate' | 'sign-out' | 'remove-totp' | 'remove-passkeys' | null;
type Section = 'roles' | 'access';

const sameRoles = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().every((r, i) => r === [...b].sort()[i]);

/** One user's details and the changes an admin can make to them. */
export function UserPanel({ user, roles, isSelf, onUpdated, onClose }: UserPanelProps) {
  const [roleNames, setRoleNames] = useState<string[]>(user.roleNames);
  const [confirming, setConfirming] = useState<Confirming>(null);
  // Feedback appears under the section whose action caused it.
  const [notice, setNotice] = useState<{ section: Section; text: string } | null>(null);
  const [lastSection, setLastSection] = useState<Section>('roles');
  const action = useMgmtAction();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const loginId = loginIdOf(user);
  const who = user.name || loginId;
  const enabled = user.status === 'enabled';
  const rolesChanged = !sameRoles(roleNames, user.roleNames);

  // Keyboard and screen-reader users land on the panel they opened.
  useEffect(() => heading.current?.focus(), [user.userId]);

  const saveRoles = async () => {
    setNotice(null);
    setLastSection('roles');
    const result = await action.run('roles', (call) =>
      setUserRoles(call, loginId, roleNames),
    );
    if (!result.ok) return;
    onUpdated(result.value);
    setRoleNames(result.value.roleNames);
    setNotice({
      section: 'roles',
      text: `Roles saved. ${who} gets them at their next session refresh or page reload.`,
    });
  };

  const changeStatus = async (status: 'enabled' | 'disabled') => {
    setNotice(null);
    setLastSection('access');
    setConfirming(null);
    const result = await action.run('status', (call) =>
      setUserStatus(call, loginId, status),
    );
    if (!result.ok) return;
    onUpdated(result.value);
    setNotice({
      section: 'access',
      text:
        status === 'disabled'
          ? `${who} is deactivated: they cannot sign in, and their sessions end at the next refresh.`
          : `${who} is active again and can sign in.`,
    });
  };

  const signOut = async () => {
    setNotice(null);
    setLastSection('access');
    setConfirming(null);
    const result = await action.run('sign-out', (call) =>
      signOutEverywhere(call, user.userId),
    );
    if (result.ok) {
      setNotice({
        section: 'access',
        text: `${who} is signed out everywhere: each session ends at its next refresh.`,
      });
    }
  };

  const dropTotp = async () => {
    setNotice(null);
    setLastSection('access');
    setConfirming(null);
    const result = await action.run('totp', (call) => removeTotp(call, loginId));
    if (!result.ok) return;
    onUpdated({ ...user, TOTP: false });
    setNotice({
      section: 'access',
      text: `${who}’s authenticator app is removed: their password alone signs them in.`,
    });
  };

  const dropPasskeys = async () => {
    setNotice(null);
    setLastSection('access');
    setConfirming(null);
    const result = await action.run('passkeys', (call) => removePasskeys(call, loginId));
    if (!result.ok) return;
    onUpdated({ ...user, webauthn: false });
    setNotice({
      section: 'access',
      text: `${who}’s passkeys are removed: they sign in another way, and can add a new passkey.`,
    });
  };

  const methods = enrolledMethods(user);

  const feedback = (section: Section) => (
    <>
      {action.error && lastSection === section && (
        <Alert tone="error">
          <p>{action.error}</p>
        </Alert>
      )}
      {notice?.section === section && <Alert tone="success">{notice.text}</Alert>}
    </>
  );

  return (
    <Card className="admin-panel" aria-labelledby={headingId}>
      <div className="admin-panel__head">
        <div className="admin-panel__who">
          <h2 id={headingId} ref={heading} tabIndex={-1}>
            {who}
          </h2>
          <p className="admin-muted">{loginId}</p>
        </div>
        <Button variant="secondary" className="admin-panel__close" onClick={onClose}>
          Close
        </Button>
      </div>

      <dl className="admin-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={user.status} />
          </dd>
        </div>
        <div>
          <dt>Last sign-in</dt>
          <dd>
            <When at={user.lastLogin} />
          </dd>
        </div>
        <div>
          <dt>Authenticator app</dt>
          <dd>{user.TOTP ? 'Set up' : 'None'}</dd>
        </div>
        <div className="admin-facts__wide">
          <dt>Sign-in methods</dt>
          <dd>
            {methods.length === 0 ? (
              <span className="admin-muted">None yet</span>
            ) : (
              <ul className="admin-chips" aria-label="Sign-in methods">
                {methods.map((m) => (
                  <li key={m} className="admin-chip">
                    {m}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <When at={user.createdTime} never="Unknown" />
          </dd>
        </div>
      </dl>

      <section className="admin-panel__section" aria-label="Roles">
        <RoleCheckboxes
          legend="Roles"
          roles={roles}
          value={roleNames}
          onChange={(next) => {
            setRoleNames(next);
            setNotice(null);
          }}
          disabled={action.pending !== null}
        />
        {isSelf && user.roleNames.includes('admin') && !roleNames.includes('admin') && (
          <Alert tone="warning">
            <p>This is your own account: without the admin role you lose this console.</p>
          </Alert>
        )}
        <div className="admin-actions">
          <Button
            onClick={saveRoles}
            disabled={!rolesChanged}
            loading={action.pending === 'roles'}
          >
            Save roles
          </Button>
          {rolesChanged && (
            <Button variant="link" onClick={() => setRoleNames(user.roleNames)}>
              Undo changes
            </Button>
          )}
        </div>
        {feedback('roles')}
      </section>

      <section className="admin-panel__section" aria-label="Access">
        <h3>Access</h3>
        {confirming === null && (
          <div className="admin-actions">
            {enabled ? (
              <Button
                variant="secondary"
                danger
                onClick={() => setConfirming('deactivate')}
                disabled={isSelf}
                loading={action.pending === 'status'}
              >
                Deactivate
              </Button>
            ) : (
              <Button
                variant="secondary"
                onClick={() => changeStatus('enabled')}
                loading={action.pending === 'status'}
              >
                Activate
              </Button>
            )}
            <Button
              variant="secondary"
              onClick={() => setConfirming('sign-out')}
              loading={action.pending === 'sign-out'}
            >
              Sign out everywhere
            </Button>
            {user.TOTP && (
              <Button
                variant="secondary"
                onClick={() => setConfirming('remove-totp')}
                loading={action.pending === 'totp'}
              >
                Remove authenticator app
              </Button>
            )}
            {user.webauthn && (
              <Button
                variant="secondary"
                onClick={() => setConfirming('remove-passkeys')}
                loading={action.pending === 'passkeys'}
              >
                Remove passkeys
              </Button>
            )}
          </div>
        )}
        {isSelf && enabled && confirming === null && (
          <p className="admin-muted admin-panel__note">
            You cannot deactivate your own account.
          </p>
        )}
        {confirming === 'deactivate' && (
          <Confirm
            text={`Deactivate ${who}? They cannot sign in until reactivated, and their sessions end at the next refresh.`}
            action="Deactivate"
            onConfirm={() => changeStatus('disabled')}
            onCancel={() => setConfirming(null)}
          />
        )}
        {confirming === 'sign-out' && (
          <Confirm
            text={`Sign ${who} out on every device? Each session ends at its next refresh; they can sign in again.`}
            action="Sign out"
            onConfirm={signOut}
            onCancel={() => setConfirming(null)}
          />
        )}
        {confirming === 'remove-totp' && (
          <Confirm
            text={`Remove ${who}’s authenticator app? Their password alone will sign them in until they set one up again.`}
            action="Remove"
            onConfirm={dropTotp}
            onCancel={() => setConfirming(null)}
          />
        )}
        {confirming === 'remove-passkeys' && (
          <Confirm
            text={`Remove every passkey of ${who}? They sign in with their password, a code or a link until they add a new one.`}
            action="Remove"
            onConfirm={dropPasskeys}
            onCancel={() => setConfirming(null)}
          />
        )}
        {feedback('access')}
      </section>
    </Card>
  );
}
