-- Root-cause analysis reads the changes (deploys, flag flips, events) of a window: a handful of
-- rows among hundreds of thousands of metric points and log lines of the same hour. Through
-- signals_org_ts that read visited every signal of the window (~0.1 s for a 1 h window of the
-- sandbox shop on PGlite); this partial index holds the changes only, so it costs the hot insert
-- path of metrics and logs nothing.
CREATE INDEX signals_org_changes_ts ON signals (org_id, ts) WHERE kind IN ('deploy', 'flag', 'event');
