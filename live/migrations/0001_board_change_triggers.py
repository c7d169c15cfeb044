"""Triggers that NOTIFY ``tierline_board`` with the teams whose boards a statement changed
(built by live/triggers.py). A later change to the tables covered gets a migration of its own
that drops and creates the triggers again."""

from django.db import migrations

from live.triggers import install_sql, uninstall_sql

INSTALL = install_sql()
UNINSTALL = uninstall_sql()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_organisation_settings"),
        ("ideas", "0007_move_system_work_out"),
        ("capacity", "0001_initial"),
        ("huddles", "0001_initial"),
        ("escalation", "0002_structured_and_cross_team"),
        ("strategy", "0003_move_system_work_out"),
    ]

    operations = [migrations.RunSQL(INSTALL, UNINSTALL)]
