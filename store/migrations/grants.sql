-- Privileges of the application role, re-applied on every start-up after the numbered
-- migrations (GRANT is idempotent), so a new table needs its line here. {{app_role}} is replaced
-- by the quoted role name. The role owns nothing and is NOSUPERUSER NOBYPASSRLS, so row-level
-- security always applies to it. Deliberately absent: any write on audit_log and audit_heads (appends go through a function), anything on
-- schema_migrations, direct UPDATE on outbox (the relay goes through the functions below).

GRANT USAGE ON SCHEMA public TO {{app_role}};

GRANT SELECT, INSERT ON orgs TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON users TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON api_keys TO {{app_role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON connectors TO {{app_role}};

GRANT SELECT, INSERT ON signals TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON topologies TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON log_templates TO {{app_role}};
GRANT SELECT, INSERT ON log_template_batches TO {{app_role}};

GRANT SELECT, INSERT, UPDATE ON incidents TO {{app_role}};
GRANT SELECT, INSERT ON anomalies TO {{app_role}};
GRANT SELECT, INSERT ON evidence TO {{app_role}};
GRANT SELECT, INSERT ON hypotheses TO {{app_role}};
GRANT SELECT, INSERT ON hypothesis_evidence TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON detector_state TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON analyses TO {{app_role}};

GRANT SELECT, INSERT, UPDATE ON fix_plans TO {{app_role}};
GRANT SELECT, INSERT ON approvals TO {{app_role}};
GRANT SELECT, INSERT ON commands TO {{app_role}};
GRANT SELECT, INSERT ON fix_plan_preflights TO {{app_role}};
GRANT SELECT, INSERT ON verifications TO {{app_role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON org_policies TO {{app_role}};

-- Appends go through warroom_audit_append only (017); the REVOKEs take back what earlier
-- versions granted.
GRANT SELECT ON audit_log TO {{app_role}};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM {{app_role}};
GRANT SELECT ON audit_heads TO {{app_role}};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_heads FROM {{app_role}};

GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO {{app_role}};
GRANT SELECT, INSERT ON outbox TO {{app_role}};

GRANT SELECT, INSERT, UPDATE, DELETE ON docs TO {{app_role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON chunks TO {{app_role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON kb_terms TO {{app_role}};

GRANT SELECT, INSERT, UPDATE ON chat_rooms TO {{app_role}};
GRANT SELECT, INSERT, UPDATE ON chat_cards TO {{app_role}};

GRANT EXECUTE ON FUNCTION warroom_find_api_key(text) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_outbox_pending(integer, integer) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_outbox_mark_published(text[]) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_claim_setting(text, text) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_fix_plans_orphaned(integer, integer) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_fix_plans_unverified(timestamptz, integer) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_verifications_due(timestamptz, integer) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_audit_append(text, bigint, text, timestamptz, text, text, text, jsonb, text, text) TO {{app_role}};
GRANT EXECUTE ON FUNCTION warroom_kb_lexical(text[], integer, float8, float8, float8, float8, integer) TO {{app_role}};
