-- Incidents are INCIDENT entries and their acknowledgements INCIDENT_ACK entries (issue #13): the
-- incident list and the incident report find them by action, in sequence order, through this
-- index instead of scanning the log. Plain SQL, the same on H2 and PostgreSQL.
CREATE INDEX log_entries_action ON log_entries (action, seq);
