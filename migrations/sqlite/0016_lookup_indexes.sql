-- Open actions are read by their owner: each member asked their daily questions gets a note
-- about an action of theirs falling due.
CREATE INDEX retro_actions_open_owner ON retro_actions (owner_id) WHERE done_at IS NULL;
-- A round's report lists the blockers raised in it.
CREATE INDEX blockers_round ON blockers (round_id);
