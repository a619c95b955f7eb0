-- Chat: which Warroom user a chat user is, and which room and messages belong to which incident
-- on which surface (core/ports/chat.ts, core/ports/chat-store.ts). Runs on PostgreSQL 15 and on
-- PGlite: no PG16+ features.

-- A person's platform ids: one Warroom user per Slack / Teams identity within an org.
ALTER TABLE users ADD COLUMN slack_user_id text;
ALTER TABLE users ADD COLUMN teams_aad_object_id text;
CREATE UNIQUE INDEX users_slack_user_id ON users (org_id, slack_user_id) WHERE slack_user_id IS NOT NULL;
CREATE UNIQUE INDEX users_teams_aad_object_id ON users (org_id, teams_aad_object_id) WHERE teams_aad_object_id IS NOT NULL;
-- An unmapped chat user is matched by email, case-insensitively (emails are not unique).
CREATE INDEX users_email_lower ON users (org_id, lower(email)) WHERE email IS NOT NULL;

-- An incident's room per surface. The row is the claim: channel is NULL while the claimer is
-- still opening the room; a claim with no room older than the caller's stale limit may be taken
-- over (its process died mid-open). No foreign key to incidents: the row is written from bus
-- events that may arrive before a replica sees the incident, and incidents are never deleted.
CREATE TABLE chat_rooms (
  org_id      text NOT NULL REFERENCES orgs (id),
  incident_id text NOT NULL,
  surface     text NOT NULL CHECK (surface IN ('slack', 'teams', 'local')),
  channel     text,
  thread      text,
  claimed_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, incident_id, surface),
  CHECK (thread IS NULL OR channel IS NOT NULL)
);
-- A message in a room names its channel (and thread): roomAt looks the incident up by them.
CREATE INDEX chat_rooms_at ON chat_rooms (org_id, surface, channel, thread) WHERE channel IS NOT NULL;
ALTER TABLE chat_rooms ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON chat_rooms
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- One posted message per card id and surface, updated in place. message_id is NULL while the
-- claimer is still posting; digest is what was last rendered (an unchanged card is not re-sent).
CREATE TABLE chat_cards (
  org_id      text NOT NULL REFERENCES orgs (id),
  card_id     text NOT NULL,
  surface     text NOT NULL CHECK (surface IN ('slack', 'teams', 'local')),
  incident_id text NOT NULL,
  channel     text,
  thread      text,
  message_id  text,
  digest      text,
  claimed_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, surface, card_id)
);
CREATE INDEX chat_cards_incident ON chat_cards (org_id, incident_id);
ALTER TABLE chat_cards ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON chat_cards
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));
