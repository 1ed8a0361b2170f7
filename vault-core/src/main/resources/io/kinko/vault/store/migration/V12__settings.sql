-- Vault policy set after init by an administrator (the incident rules' thresholds and hours, the
-- alert sinks): one row per setting, its value JSON. Settings are state (state.StateKind SETTING),
-- bound to the POLICY or ALERT entry that set them, so an edit, removal or replay without the
-- vault's keys is caught by a checked read. A vault made before this table keeps its state root:
-- an empty SETTING kind is left out of it.
CREATE TABLE settings (
  name     VARCHAR(128)  NOT NULL PRIMARY KEY,
  setting  VARCHAR(8000) NOT NULL,
  set_by   VARCHAR(64)   NOT NULL,
  set_at   BIGINT        NOT NULL,
  log_seq  BIGINT        NOT NULL,
  bucket   INTEGER       NOT NULL
);
