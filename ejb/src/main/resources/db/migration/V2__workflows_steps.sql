-- Cairn schema, version 2: workflows share the registry with tools (told apart by kind), and a
-- workflow run records each step instance (one invocation of a tool) in step_run.

ALTER TABLE tool ADD COLUMN kind VARCHAR(32) DEFAULT 'CommandLineTool' NOT NULL;
ALTER TABLE tool_version ADD COLUMN kind VARCHAR(32) DEFAULT 'CommandLineTool' NOT NULL;
ALTER TABLE run ADD COLUMN kind VARCHAR(32) DEFAULT 'CommandLineTool' NOT NULL;

CREATE TABLE step_run (
    id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    run_id         VARCHAR(36)   NOT NULL,
    step_key       VARCHAR(512)  NOT NULL,
    seq            INT           NOT NULL,
    state          VARCHAR(32)   NOT NULL,
    inputs         LONGTEXT      NOT NULL,
    staged_inputs  LONGTEXT,
    command_line   LONGTEXT,
    outputs        LONGTEXT,
    stdout_path    VARCHAR(1024),
    stderr_path    VARCHAR(1024),
    exit_code      INT,
    backend_id     VARCHAR(255),
    attempts       INT           NOT NULL,
    message        VARCHAR(2048),
    created_at     DATETIME(6)   NOT NULL,
    started_at     DATETIME(6),
    ended_at       DATETIME(6),
    row_version    BIGINT        NOT NULL,
    CONSTRAINT uq_step_run_key UNIQUE (run_id, step_key),
    CONSTRAINT fk_step_run_run FOREIGN KEY (run_id) REFERENCES run (id)
);
CREATE INDEX ix_step_run_state ON step_run (run_id, state);
