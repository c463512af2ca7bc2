-- Cairn schema, version 4: pools defined through the API. The properties are the pool kind's
-- connector properties as text; secrets are never stored, only the name of the password alias or
-- MicroProfile Config property that holds each one.

CREATE TABLE pool_definition (
    name        VARCHAR(128)  NOT NULL PRIMARY KEY,
    kind        VARCHAR(32)   NOT NULL,
    properties  LONGTEXT      NOT NULL,
    secrets     LONGTEXT      NOT NULL,
    created_at  DATETIME(6)   NOT NULL,
    updated_at  DATETIME(6)   NOT NULL,
    version     BIGINT        NOT NULL
);
