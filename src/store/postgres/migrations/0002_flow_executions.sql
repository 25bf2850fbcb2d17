-- 0002_flow_executions: flow executions (POST /v1/flow/start|next; src/store/flow_store.h),
-- the same table as the SQLite engine's 0010_flow_executions.sql. The state is the engine's
-- JSON and holds no secret in clear (codes and links live hashed in one_time_secrets).

CREATE TABLE flow_executions (
  id         TEXT PRIMARY KEY NOT NULL,  -- "<flowId>|#|<random>"
  flow_id    TEXT NOT NULL,
  step_id    TEXT NOT NULL,              -- the step the browser answers next; used once
  state      TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX flow_executions_expires ON flow_executions (expires_at);
