"""Items created per day (UTC), per team and public/private, kept by triggers.

Inserts and deletes are counted once per statement from its transition table (a COPY of
50,000 rows costs one grouped upsert, not 50,000); a change of team, privacy or creation time
is counted per row, and only when one of them really changes — the jobs' flag updates never
fire it (and stay HOT). Each statement's keys are upserted in key order, so two writers never
deadlock on the counters."""

from django.db import migrations, models

TABLE = "ideas_ideadaycount"
DAY = "(({t}.created_at AT TIME ZONE 'UTC')::date)"


def _upsert(source: str, sign: str) -> str:
    """Adds ``sign`` × the rows of ``source`` (a transition table) to their team's and the
    organisation's counters."""
    return f"""
    INSERT INTO {TABLE} (team_id, day, private, n)
    SELECT k.team_id, {DAY.format(t="r")}, r.is_private, {sign} count(*)
    FROM {source} r CROSS JOIN LATERAL (VALUES (r.team_id), (0)) AS k(team_id)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (team_id, day, private) DO UPDATE SET n = {TABLE}.n + EXCLUDED.n;"""


FORWARD = f"""
CREATE FUNCTION ideas_day_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_upsert("new_rows", "")} RETURN NULL; END $$;

CREATE FUNCTION ideas_day_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_upsert("old_rows", "-")} RETURN NULL; END $$;

CREATE FUNCTION ideas_day_count_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (team_id, day, private, n)
    SELECT team_id, day, private, sum(n) FROM (VALUES
        (OLD.team_id, {DAY.format(t="OLD")}, OLD.is_private, -1),
        (0, {DAY.format(t="OLD")}, OLD.is_private, -1),
        (NEW.team_id, {DAY.format(t="NEW")}, NEW.is_private, 1),
        (0, {DAY.format(t="NEW")}, NEW.is_private, 1)) AS c(team_id, day, private, n)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (team_id, day, private) DO UPDATE SET n = {TABLE}.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE TRIGGER ideas_day_count_ins AFTER INSERT ON ideas_idea
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION ideas_day_count_inserted();
CREATE TRIGGER ideas_day_count_del AFTER DELETE ON ideas_idea
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION ideas_day_count_deleted();
CREATE TRIGGER ideas_day_count_upd AFTER UPDATE OF team_id, is_private, created_at ON ideas_idea
    FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id
                       OR OLD.is_private IS DISTINCT FROM NEW.is_private
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION ideas_day_count_changed();

INSERT INTO {TABLE} (team_id, day, private, n)
SELECT k.team_id, {DAY.format(t="i")}, i.is_private, count(*)
FROM ideas_idea i CROSS JOIN LATERAL (VALUES (i.team_id), (0)) AS k(team_id)
GROUP BY 1, 2, 3;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ideas_day_count_ins ON ideas_idea;
DROP TRIGGER IF EXISTS ideas_day_count_del ON ideas_idea;
DROP TRIGGER IF EXISTS ideas_day_count_upd ON ideas_idea;
DROP FUNCTION IF EXISTS ideas_day_count_inserted();
DROP FUNCTION IF EXISTS ideas_day_count_deleted();
DROP FUNCTION IF EXISTS ideas_day_count_changed();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0007_move_system_work_out'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdeaDayCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('team_id', models.IntegerField()),
                ('day', models.DateField()),
                ('private', models.BooleanField()),
                ('n', models.IntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team_id', 'day', 'private'), name='idea_day_count_key')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
