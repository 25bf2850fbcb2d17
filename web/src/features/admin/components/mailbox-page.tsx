import { Fragment, useId } from 'react';
import { Alert, Button, Card, Skeleton } from '@/components/ui';
import { devMailbox } from '../api/mgmt';
import type { DevMail } from '../api/types';
import { useMgmtQuery } from '../hooks/use-mgmt';
import { LoadError } from './load-error';
import { When } from './when';

const LINK = /(https?:\/\/\S+)/g;
const CODE = /\b(\d{6})\b/;

/** The message text with its link clickable and its code stressed. */
function MailText({ text }: { text: string }) {
  const parts = text.split(LINK);
  return (
    <pre className="admin-mail__text">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} className="admin-mail__link">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{highlightCode(part)}</Fragment>
        ),
      )}
    </pre>
  );
}

function highlightCode(text: string) {
  const match = CODE.exec(text);
  if (!match) return text;
  const at = match.index;
  return (
    <>
      {text.slice(0, at)}
      <strong className="admin-mail__code">{match[1]}</strong>
      {text.slice(at + match[1]!.length)}
    </>
  );
}

function MailItem({ mail }: { mail: DevMail }) {
  const headingId = useId();
  return (
    <li className="admin-mail" aria-labelledby={headingId}>
      <div className="admin-mail__head">
        <h3 id={headingId} className="admin-mail__subject">
          {mail.subject}
        </h3>
        <span className="admin-muted">
          to <strong>{mail.to}</strong> · <When at={Math.floor(mail.time / 1000)} />
        </span>
      </div>
      <MailText text={mail.text} />
    </li>
  );
}

/**
 * The development mail engine's messages (sign-in codes and links), so that a
 * newcomer can sign in by code or link without a mail server.
 */
export function MailboxPage() {
  const query = useMgmtQuery('mailbox', (call, signal) => devMailbox(call, signal));
  const headingId = useId();
  const mails = query.data;

  return (
    <Card className="admin-mailbox" aria-labelledby={headingId}>
      <div className="admin-card-head">
        <div>
          <h2 id={headingId}>Dev mailbox</h2>
          <p className="admin-muted">
            Without an SMTP server, Gatehouse keeps the last 50 messages it would have
            sent here (in memory, newest first). Opening a link signs this browser in as
            its recipient.
          </p>
        </div>
        <Button
          variant="secondary"
          size="sm"
          loading={query.isFetching && mails !== undefined}
          onClick={query.reload}
        >
          Reload
        </Button>
      </div>
      {query.status === 'error' ? (
        <LoadError what="the mailbox" error={query.error} onRetry={query.reload} />
      ) : mails === undefined ? (
        <div className="admin-skeleton" aria-busy="true" aria-label="Loading the mailbox">
          {Array.from({ length: 2 }, (_, i) => (
            <div key={i} className="admin-skeleton__row">
              <Skeleton width="short" />
              <Skeleton width="medium" />
            </div>
          ))}
        </div>
      ) : mails === null ? (
        <Alert tone="info" title="The dev mailbox is off">
          <p>
            This server sends mail through SMTP (<code>--smtp-host</code>), so codes and
            links go to the real inboxes and are not kept here.
          </p>
        </Alert>
      ) : mails.length === 0 ? (
        <div className="admin-state admin-state--empty">
          <p className="admin-state__title">No messages yet</p>
          <p className="admin-muted">
            Ask for an email code or link on the sign-in page, then reload.
          </p>
        </div>
      ) : (
        <ul
          className="admin-mail-list"
          aria-label="Messages"
          aria-busy={query.isFetching || undefined}
        >
          {mails.map((mail, i) => (
            <MailItem key={`${mail.time}-${i}`} mail={mail} />
          ))}
        </ul>
      )}
    </Card>
  );
}
