"""Protected capacity, improvement time and systemic issues left ideas for their own apps
(capacity, systemic), which now hold the models on the same tables (their 0001 migrations).

Here ideas forgets them (state only: no table is dropped or renamed) and hands their content
types over, so what points at them by content type — notifications' targets, users' and groups'
permissions, admin log entries — stays attached. The history of systemic issues moves with
them (its table keeps its name, see SystemicIssue.history)."""

from django.db import migrations

MOVES = [
    ("ideas", "capacity", "teamcapacity"),
    ("ideas", "capacity", "timeentry"),
    ("ideas", "systemic", "systemicissue"),
    ("ideas", "systemic", "systemiclink"),
    ("ideas", "systemic", "historicalsystemicissue"),
]


def _merge_into(apps, stale, kept) -> None:
    """Everything that points at ``stale`` (a content type a post_migrate signal made under the
    new label before this migration ran) points at ``kept`` instead; a permission ``kept``
    already has takes over the users and groups that held the stale one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for rel in ContentType._meta.related_objects:
        if rel.related_model is Permission or not rel.one_to_many:
            continue
        rel.related_model._base_manager.filter(**{rel.field.name: stale}).update(
            **{rel.field.name: kept})
    for perm in Permission.objects.filter(content_type=stale):
        twin = Permission.objects.filter(content_type=kept, codename=perm.codename).first()
        if twin is None:
            Permission.objects.filter(pk=perm.pk).update(content_type=kept)
            continue
        for rel in Permission._meta.related_objects:
            if not rel.many_to_many:
                continue
            through = rel.through
            own = next(f.name for f in through._meta.fields
                       if f.is_relation and f.related_model is Permission)
            other = next(f.name for f in through._meta.fields
                         if f.is_relation and f.related_model is not Permission)
            held = through.objects.filter(**{own: twin}).values_list(f"{other}_id", flat=True)
            rows = through.objects.filter(**{own: perm})
            rows.filter(**{f"{other}_id__in": list(held)}).delete()
            rows.update(**{own: twin})
        perm.delete()


def _move(apps, moves) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, new_label, model in moves:
        kept = ContentType.objects.filter(app_label=old_label, model=model).first()
        if kept is None:
            continue  # a new database: post_migrate makes it under the new label
        stale = ContentType.objects.filter(app_label=new_label, model=model).first()
        if stale is not None:
            _merge_into(apps, stale, kept)
            stale.delete()
        kept.app_label = new_label
        kept.save(update_fields=["app_label"])


def move_content_types(apps, schema_editor) -> None:
    _move(apps, MOVES)


def move_content_types_back(apps, schema_editor) -> None:
    _move(apps, [(new, old, model) for old, new, model in MOVES])


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('ideas', '0006_lean_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(model_name='systemicissue', name='problems'),
            migrations.DeleteModel(name='HistoricalSystemicIssue'),
            migrations.DeleteModel(name='SystemicLink'),
            migrations.DeleteModel(name='SystemicIssue'),
            migrations.DeleteModel(name='TimeEntry'),
            migrations.DeleteModel(name='TeamCapacity'),
        ]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
