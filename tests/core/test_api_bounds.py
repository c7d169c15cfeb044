"""Every number a request body of the API may carry is bounded by its serializer, so that none
reaches PostgreSQL out of its column's range (a DataError, a 500). Read from the serializers
behind the schema's request bodies; ids that name a row (PrimaryKeyRelatedField) are looked up,
never stored, and need no bound."""

from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from core.params import BIGINT_MAX


def _unbounded(serializer, prefix: str = "") -> list[str]:
    found = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.Serializer):
            found += _unbounded(field, f"{prefix}{name}.")
        elif isinstance(field, serializers.IntegerField) and (
                field.max_value is None or field.max_value > BIGINT_MAX
                or field.min_value is None):
            found.append(f"{prefix}{name}")
    return found


def test_every_integer_in_a_request_body_is_bounded():
    generator = SchemaGenerator()
    generator.get_schema(request=None, public=True)
    requests = [c for (name, kind), c in generator.registry._components.items()
                if kind == "schemas" and name.endswith("Request") and c.object is not None]
    assert len(requests) > 40  # the schema's request bodies, not a few of them
    unbounded = []
    for component in requests:
        serializer = component.object
        if isinstance(serializer, type):
            serializer = serializer()
        unbounded += [f"{component.name}.{field}" for field in _unbounded(serializer)]
    assert not unbounded
