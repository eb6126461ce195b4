-- Foundation: instances, accounts, memberships, sessions, tokens, throttle, outbox.
CREATE TABLE instances (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    license_type TEXT NOT NULL DEFAULT 'Standard',
    seats        INTEGER NOT NULL DEFAULT 10,
    welcome_mode TEXT NOT NULL DEFAULT 'password',
    time_zone    TEXT NOT NULL DEFAULT 'UTC',
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    password_temporary  BOOLEAN NOT NULL DEFAULT FALSE,
    password_expires_at TIMESTAMP,
    time_zone           TEXT NOT NULL DEFAULT 'UTC',
    home_instance_id    INTEGER REFERENCES instances(id),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id      INTEGER NOT NULL REFERENCES instances(id),
    account_id       INTEGER NOT NULL REFERENCES accounts(id),
    permissions      TEXT NOT NULL DEFAULT '',
    preset           TEXT NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    digest_weekly    BOOLEAN NOT NULL DEFAULT FALSE,
    digest_monthly   BOOLEAN NOT NULL DEFAULT FALSE,
    action_emails    BOOLEAN NOT NULL DEFAULT TRUE,
    version          INTEGER NOT NULL DEFAULT 1,
    last_activity_at TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (instance_id, account_id)
);
CREATE INDEX memberships_account ON memberships (account_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    client_addr  TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE password_tokens (
    id_hash    TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX password_tokens_account ON password_tokens (account_id);

CREATE TABLE login_throttle (
    email        TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id     INTEGER REFERENCES instances(id),
    kind            TEXT NOT NULL,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    has_secret      BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
