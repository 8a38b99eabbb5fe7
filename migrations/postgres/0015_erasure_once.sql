-- A member is erased once: a second erase (a second click, two at once) finds the member
-- row already erased and writes nothing; the audit table holds one row per member.
CREATE UNIQUE INDEX member_erasures_once ON member_erasures (member_id);
