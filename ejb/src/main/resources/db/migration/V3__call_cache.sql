-- Cairn schema, version 3: the call cache, and retries. A step instance that ended COMPLETE leaves an entry
-- under its key (the digest of five parts, kept one by one so that a miss can be explained); a
-- later instance with the same key takes the entry's outputs instead of running.

CREATE TABLE call_cache (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    cache_key    VARCHAR(64)   NOT NULL,
    tool_part    VARCHAR(64)   NOT NULL,
    inputs_part  VARCHAR(64)   NOT NULL,
    command_part VARCHAR(64)   NOT NULL,
    env_part     VARCHAR(64)   NOT NULL,
    image_part   VARCHAR(64)   NOT NULL,
    outputs      LONGTEXT      NOT NULL,
    run_id       VARCHAR(36)   NOT NULL,
    step_id      VARCHAR(36)   NOT NULL,
    step_key     VARCHAR(512)  NOT NULL,
    created_at   DATETIME(6)   NOT NULL
);
CREATE INDEX ix_call_cache_key ON call_cache (cache_key);
CREATE INDEX ix_call_cache_tool ON call_cache (tool_part);

ALTER TABLE step_run ADD COLUMN cache_key LONGTEXT;
ALTER TABLE step_run ADD COLUMN cache_hit BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE step_run ADD COLUMN cache_source VARCHAR(36);
ALTER TABLE run ADD COLUMN use_cache BOOLEAN DEFAULT TRUE NOT NULL;

-- retries: a run may ask for its own number; a step instance waiting to run again says from when
ALTER TABLE run ADD COLUMN retries INT;
ALTER TABLE step_run ADD COLUMN retry_at DATETIME(6);
