"""Every operation of the API schema, fuzzed by schemathesis (valid and invalid input), as an
administrator and as a front-line member: never a server error.

The schema is read from the app itself (/api/schema/); the requests go to the Django WSGI app in
this process, inside the test's transaction. Each request runs in a savepoint that is rolled back,
so what one request changes (a deleted tier, a closed priority) never decides what the next one
sees, and the run is the same every time (derandomized, no shrinking).
"""

import json
import time
import traceback
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from werkzeug.test import Client

from tests.core.world import build_world

EXAMPLES = 3  # per operation, per generation mode, per role
REAL_ID_EXAMPLES = 2  # per operation with an id in its path, with a real object's id

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_process_app():
    """The WSGI app, without Django closing the test's connection at each request's start and
    end (Django's own test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors():
    """The tracebacks of the exceptions the app did not handle, in the order they happened."""
    seen: list[str] = []

    def record(sender, request=None, **kwargs):
        lines = traceback.format_exc().splitlines()
        seen.append(f"{request.method} {request.path}\n" + "\n".join(lines[-12:]))

    signals.got_request_exception.connect(record)
    yield seen
    signals.got_request_exception.disconnect(record)


class Run:
    """What one role's run sent and got back."""

    def __init__(self, role: str):
        self.role = role
        self.examples: Counter[str] = Counter()  # operation label → requests sent
        self.statuses: Counter[int] = Counter()
        self.ok_operations: set[str] = set()
        self.failures: list[str] = []
        self.by_kind: dict[str, Counter[int]] = defaultdict(Counter)  # kind → status class → n

    def record(self, case, response, kind: str) -> None:
        label = case.operation.label
        self.examples[label] += 1
        self.statuses[response.status_code] += 1
        self.by_kind[kind][response.status_code // 100] += 1
        if 200 <= response.status_code < 300:
            self.ok_operations.add(label)
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (AssertionError, FailureGroup) as exc:  # collected, reported together at the end
            self.failures.append(f"{self.role}: {label} → {response.status_code}\n"
                                 f"    {case.as_curl_command()}\n    {exc}"[:2000])

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def ok_share(self, *kinds: str) -> float:
        """The share of 2xx answers among the cases of these kinds."""
        counts = Counter()
        for kind in kinds:
            counts.update(self.by_kind[kind])
        return counts[2] / (sum(counts.values()) or 1)


def _load_schema(app, token: str):
    """The app's own schema: for schemathesis, and as JSON (to build hostile bodies)."""
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    raw = json.loads(Client(app).get("/api/schema/?format=json", headers=headers).get_data())
    return schema, raw


def _collection_ids(app, headers: dict, path: str) -> list[int]:
    """Ids of the objects the role may see in the collection an ``…/{id}/…`` path belongs to."""
    response = Client(app).get(path.split("{", 1)[0], headers=headers)
    if response.status_code != 200:
        return []
    data = json.loads(response.get_data())
    rows = data.get("results", data) if isinstance(data, dict) else data
    if not isinstance(rows, list):
        return []
    return [row["id"] for row in rows if isinstance(row, dict) and isinstance(row.get("id"), int)]


HUGE = "99999999999999999999"
# Hostile values the generator is unlikely to hit, sent as every path parameter …
HOSTILE_IDS = ["null,null", "1e999", "-0", HUGE, "\x00", "²"]
# … as every number in the query string (the others generated), with real ids in the path …
HOSTILE_NUMBERS = ["-4.03e149", HUGE, "1e999", "-0", "1.5", "²"]
# … and as every query parameter at once.
HOSTILE_QUERY = ["null,null", "\x00", "¿'\"(", "x" * 10_000]
# Request bodies: each property gets the value its type calls for in each round — numbers no
# column holds, NUL, 10 kB, punctuation, a digit int() refuses, a list where one value goes.
BODY_ROUNDS = {
    "integer": [int(HUGE), -int(HUGE), "²", []],
    "number": ["1e999", "-4.03e149", "²", []],
    "string": ["\x00", "x" * 10_000, "¿'\"(", []],
    "boolean": ["null,null", 2, "²", []],
    "array": [[int(HUGE)], ["x" * 10_000], "²", {}],
    "object": [{"\x00": 1}, [], "²", []],
}


def _resolve(schema: dict, node: dict) -> dict:
    """A schema node with its ``$ref`` / ``allOf`` / ``oneOf`` followed."""
    for _ in range(10):
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        elif node.get("allOf") or node.get("oneOf"):
            options = [n for n in node.get("allOf") or node.get("oneOf") if n.get("type") != "null"]
            node = options[0] if options else {}
        else:
            return node
    return node


def _kind(node: dict) -> str:
    if node.get("type") == "string" and node.get("format") == "decimal":
        return "number"
    if "enum" in node and "type" not in node:
        return "string"
    return node.get("type", "string") if node.get("type") in BODY_ROUNDS else "string"


def _hostile_bodies(schema: dict, operation) -> list[dict]:
    """One JSON body per round, every property of the operation's body hostile."""
    body = (schema["paths"][operation.path][operation.method.lower()].get("requestBody") or {})
    node = body.get("content", {}).get("application/json", {}).get("schema")
    if node is None:
        return []
    properties = _resolve(schema, node).get("properties", {})
    if not properties:
        return []
    rounds = len(next(iter(BODY_ROUNDS.values())))
    return [{name: BODY_ROUNDS[_kind(_resolve(schema, prop))][i]
             for name, prop in properties.items()} for i in range(rounds)]


def _examples(strategy, count: int):
    """Run ``send`` on ``count`` cases of the strategy (derandomized, no shrinking)."""

    def run(send):
        @given(case=strategy)
        @settings(max_examples=count, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def each(case):
            send(case)

        each()

    return run


def _fuzz(app, schema, raw_schema: dict, user, run: Run, known_ids: dict[str, int]) -> set[str]:
    token = Token.objects.get_or_create(user=user)[0].key
    headers = {"Authorization": f"Token {token}"}
    labels = set()

    for result in schema.get_all_operations():
        operation = result.ok()
        labels.add(operation.label)
        plans = [("positive", operation.as_strategy(), EXAMPLES)]
        if any(len(part) for part in (operation.path_parameters, operation.query,
                                      operation.body)):
            # An operation without input has nothing to get wrong: no negative cases.
            plans.append(("negative", operation.as_strategy(
                generation_mode=GenerationMode.NEGATIVE), EXAMPLES))
        path_names = [p.name for p in operation.path_parameters]
        hostile = []  # explicit cases: values a generator would seldom pick
        real = {}
        if path_names:
            ids = (_collection_ids(app, headers, operation.path)
                   or [known_ids.get(operation.path.split("{", 1)[0])])
            real = {name: ids[0] if name == "id" else 1 for name in path_names}
            if None in real.values():
                real = {}
            if real:
                plans.append(("real", operation.as_strategy(path_parameters=real),
                              REAL_ID_EXAMPLES))
            for value in HOSTILE_IDS:
                hostile.append(operation.Case(path_parameters=dict.fromkeys(path_names, value)))
        query_names = [p.name for p in operation.query]
        number_names = [p.name for p in operation.query
                        if p.definition.get("schema", {}).get("type") in ("integer", "number")]
        if real or not path_names:  # the hostile query and body reach the view
            for value in HOSTILE_NUMBERS if number_names else []:
                hostile.append(operation.Case(path_parameters=real,
                                              query=dict.fromkeys(number_names, value)))
            for value in HOSTILE_QUERY if query_names else []:
                hostile.append(operation.Case(path_parameters=real,
                                              query=dict.fromkeys(query_names, value)))
            for body in _hostile_bodies(raw_schema, operation):
                hostile.append(operation.Case(path_parameters=real, body=body,
                                              media_type="application/json"))

        def send(case, kind):
            with transaction.atomic():
                response = case.call(app=app, headers=headers)
                transaction.set_rollback(True)
            run.record(case, response, kind)

        for kind, strategy, count in plans:
            try:
                _examples(strategy, count)(lambda case, kind=kind: send(case, kind))
            except Unsatisfiable:
                # No invalid input exists for some operations; valid input always does.
                assert kind == "negative", (operation.label, kind)
        for case in hostile:
            send(case, "hostile")
    return labels


def test_no_operation_answers_a_server_error(org, in_process_app, server_errors):
    world = build_world(org)
    # Collections that are no list of objects with ids: their paths take a team's id.
    known_ids = {"/api/v1/boards/": org.line1.pk, "/api/v1/scorecards/teams/": org.line1.pk}
    admin_token = Token.objects.get_or_create(user=org.admin)[0].key
    schema, raw_schema = _load_schema(in_process_app, admin_token)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 100  # the whole API, not a schema that failed to load

    started = time.monotonic()
    runs = {}
    for role, user in (("admin", org.admin), ("member", org.member)):
        run = runs[role] = Run(role)
        labels = _fuzz(in_process_app, schema, raw_schema, user, run, known_ids)
        assert labels == {op.label for op in operations}
        print(f"\n{role}: {run.total} requests, {len(run.examples)} operations, "
              f"statuses {sorted(run.statuses.items())}, "
              f"{len(run.ok_operations)} operations answered 2xx, "
              f"{ {k: dict(v) for k, v in run.by_kind.items()} }, "
              f"{time.monotonic() - started:.1f} s")
    assert world.ids

    problems = [f for run in runs.values() for f in run.failures]
    assert not problems, (f"{len(problems)} server errors:\n\n" + "\n\n".join(problems)
                          + "\n\nTracebacks:\n" + "\n\n".join(server_errors[:20]))
    assert not server_errors
    for run in runs.values():
        # Every operation was exercised, and more than once.
        assert set(run.examples) == {op.label for op in operations}
        thin = [label for label, n in run.examples.items() if n < 2]
        assert not thin, f"{run.role}: only one request for {thin}"
    admin, member = runs["admin"], runs["member"]
    # Authentication worked: a run of 401/403 fails here.
    assert admin.statuses[401] == 0 and member.statuses[401] == 0
    # Valid input (and real ids) often succeeds: the admin may do nearly everything …
    assert admin.ok_share("positive", "real") > 0.20, admin.by_kind
    assert len(admin.ok_operations) > 0.6 * len(operations)
    # … a front-line member much less, but reads their own world.
    assert member.ok_share("positive", "real") > 0.10, member.by_kind
    assert len(member.ok_operations) > 0.35 * len(operations)
    assert len(admin.ok_operations) > len(member.ok_operations)
