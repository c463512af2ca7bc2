-- Cairn schema, version 5: a tool run whose task the pool lost runs again (as step instances do),
-- so a run counts its attempts; attempt N > 1 has the task id RUNID.N.

ALTER TABLE run ADD COLUMN attempts INT NOT NULL DEFAULT 1;
