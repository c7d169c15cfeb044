"""The PostgreSQL triggers that announce board changes: every statement that writes a table a
board shows NOTIFYs the channel ``tierline_board`` with the ids of the teams whose boards it
touched — whichever path wrote it (a service, the admin, a bulk UPDATE of a job, hand-run SQL).

Statement-level triggers with transition tables: one NOTIFY per statement, however many rows
(the aging scan's batch UPDATE costs one ``SELECT DISTINCT`` over its own rows). PostgreSQL
delivers a transaction's notifications once it commits, and folds identical ones of one
transaction into one.

Payload: ``<transaction id>|<kind>|<team ids, comma-separated>`` — kind ``b`` (what a board
shows changed) or ``l`` (a display link or a team's active flag changed: streams check their
link again); ``*`` instead of the ids when they would not fit a notification (8000 bytes)."""

CHANNEL = "tierline_board"

NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tierline_board_notify(ids bigint[], kind text) RETURNS void AS $$
DECLARE
    payload text;
BEGIN
    ids := ARRAY(SELECT DISTINCT x FROM unnest(ids) AS x WHERE x IS NOT NULL ORDER BY 1);
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    payload := pg_current_xact_id()::text || '|' || kind || '|' || array_to_string(ids, ',');
    IF length(payload) > 7900 THEN
        payload := pg_current_xact_id()::text || '|' || kind || '|*';
    END IF;
    PERFORM pg_notify('{CHANNEL}', payload);
END
$$ LANGUAGE plpgsql;
"""

# Per table: the team ids a set of rows ``{rows}`` touches, and the kind of change. Ideas sit
# on their team's board and on the board of the team they wait on; an escalation shows on the
# boards of its idea and of the teams it names (a badge-only change such as an acknowledgement
# touches only this table); the rest name their team.
_VIA_IDEA = ("SELECT i.team_id FROM {rows} r JOIN ideas_idea i ON i.id = r.idea_id "
             "UNION ALL SELECT i.waiting_on_team_id FROM {rows} r "
             "JOIN ideas_idea i ON i.id = r.idea_id")
_VIA_HUDDLE = "SELECT h.team_id FROM {rows} r JOIN huddles_huddle h ON h.id = r.huddle_id"
_TEAM = "SELECT r.team_id FROM {rows} r"

TABLES: dict[str, tuple[str, str]] = {
    "ideas_idea": ("SELECT r.team_id FROM {rows} r UNION ALL "
                   "SELECT r.waiting_on_team_id FROM {rows} r", "b"),
    "ideas_comment": (_VIA_IDEA, "b"),
    "escalation_escalation": (
        "SELECT r.from_team_id FROM {rows} r UNION ALL SELECT r.to_team_id FROM {rows} r "
        "UNION ALL SELECT r.other_team_id FROM {rows} r UNION ALL " + _VIA_IDEA, "b"),
    "strategy_prioritylink": (_VIA_IDEA, "b"),
    "huddles_sqdcday": (_TEAM, "b"),
    "huddles_huddle": (_TEAM, "b"),
    "huddles_huddle_attendees": (_VIA_HUDDLE, "b"),
    "huddles_huddle_discussed": (_VIA_HUDDLE, "b"),
    "huddles_boardsettings": (_TEAM, "b"),
    "ideas_timeentry": (_TEAM, "b"),
    "ideas_teamcapacity": (_TEAM, "b"),
    "org_membership": (_TEAM, "b"),
    "huddles_displaylink": (_TEAM, "l"),
    "org_team": ("SELECT r.id FROM {rows} r", "l"),
}

# Updates that change nothing a screen shows are not announced: a display link noting when a
# screen last loaded (else every load would refresh every screen of the board, forever).
UPDATE_FILTERS = {
    "huddles_displaylink": ("(o.team_id, o.revoked_at, o.expires_at, o.label) IS DISTINCT FROM "
                            "(n.team_id, n.revoked_at, n.expires_at, n.label)"),
}


def _function_name(table: str) -> str:
    return f"tierline_board_changed_{table}"


def _ids(table: str, rows: str) -> str:
    return TABLES[table][0].format(rows=rows)


def _update_ids(table: str) -> str:
    condition = UPDATE_FILTERS.get(table)
    if condition is None:
        return f"{_ids(table, 'new_rows')} UNION ALL {_ids(table, 'old_rows')}"
    changed = (f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {condition})")
    return f"{_ids(table, changed)} UNION ALL {_ids(table, changed.replace('n.*', 'o.*', 1))}"


def create_sql(table: str) -> str:
    kind = TABLES[table][1]
    fn = _function_name(table)
    return f"""
CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tierline_board_notify(ARRAY({_ids(table, 'new_rows')}), '{kind}');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tierline_board_notify(ARRAY({_ids(table, 'old_rows')}), '{kind}');
    ELSE
        PERFORM tierline_board_notify(ARRAY({_update_ids(table)}), '{kind}');
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER tierline_board_ins AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER tierline_board_upd AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER tierline_board_del AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
"""


def drop_sql(table: str) -> str:
    return "".join(f"DROP TRIGGER IF EXISTS tierline_board_{op} ON {table};\n"
                   for op in ("ins", "upd", "del")) + \
        f"DROP FUNCTION IF EXISTS {_function_name(table)}();\n"


def install_sql() -> str:
    return NOTIFY_FUNCTION + "".join(create_sql(t) for t in TABLES)


def uninstall_sql() -> str:
    return "".join(drop_sql(t) for t in TABLES) + \
        "DROP FUNCTION IF EXISTS tierline_board_notify(bigint[], text);\n"
