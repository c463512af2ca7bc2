-- Cairn schema, version 1: tools and their versions, stored files, runs.
-- Written once for H2 and MySQL/MariaDB: only types and syntax both understand.

CREATE TABLE tool (
    name        VARCHAR(128) NOT NULL PRIMARY KEY,
    latest      INT          NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    updated_at  DATETIME(6)  NOT NULL
);

CREATE TABLE tool_version (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    tool_name   VARCHAR(128) NOT NULL,
    version     INT          NOT NULL,
    sha256      VARCHAR(64)  NOT NULL,
    label       VARCHAR(512),
    document    LONGTEXT     NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    CONSTRAINT uq_tool_version UNIQUE (tool_name, version),
    CONSTRAINT fk_tool_version_tool FOREIGN KEY (tool_name) REFERENCES tool (name)
);
CREATE INDEX ix_tool_version_sha ON tool_version (tool_name, sha256);

CREATE TABLE stored_file (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    sha256      VARCHAR(64)  NOT NULL,
    size_bytes  BIGINT       NOT NULL,
    basename    VARCHAR(255) NOT NULL,
    created_at  DATETIME(6)  NOT NULL
);
CREATE INDEX ix_stored_file_sha ON stored_file (sha256);

CREATE TABLE run (
    id               VARCHAR(36)  NOT NULL PRIMARY KEY,
    tool_version_id  VARCHAR(36)  NOT NULL,
    tool_name        VARCHAR(128) NOT NULL,
    tool_version     INT          NOT NULL,
    pool             VARCHAR(128) NOT NULL,
    state            VARCHAR(32)  NOT NULL,
    inputs           LONGTEXT     NOT NULL,
    staged_inputs    LONGTEXT,
    command_line     LONGTEXT,
    outputs          LONGTEXT,
    stdout_path      VARCHAR(1024),
    stderr_path      VARCHAR(1024),
    exit_code        INT,
    backend_id       VARCHAR(255),
    job_execution_id BIGINT,
    message          VARCHAR(2048),
    created_at       DATETIME(6)  NOT NULL,
    started_at       DATETIME(6),
    ended_at         DATETIME(6),
    row_version      BIGINT       NOT NULL,
    CONSTRAINT fk_run_tool_version FOREIGN KEY (tool_version_id) REFERENCES tool_version (id)
);
CREATE INDEX ix_run_state ON run (state, created_at);
CREATE INDEX ix_run_tool ON run (tool_name, created_at);
CREATE INDEX ix_run_created ON run (created_at);
