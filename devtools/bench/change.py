"""The change of the change-to-screen latency: a team lead moves a card on each board, through the
service the board calls (``huddles.services.board_move``); when no card can move, the lead sets
an SQDC letter instead (``sqdc_set``, which also touches the board).

    python -m devtools.bench.change '{"teams": ["slug", …], "rounds": 1, "gap": 3}'

Run as its own process with the server's settings and environment (so a version kept in Redis
is written where the server reads it). Prints one JSON list of ``[slug, time.time()]``, the
moment just before each change started."""

from __future__ import annotations

import json
import sys
import time


def change_board(slug: str, round_no: int) -> str:
    from django.utils import timezone

    from core.errors import DomainError
    from huddles import services
    from ideas.models import Idea
    from org.models import Membership, Team

    team = Team.objects.get(slug=slug)
    lead = (Membership.objects.filter(team=team, role=Membership.Role.LEAD)
            .select_related("user").order_by("pk").first().user)
    card = (Idea.objects.filter(team=team, status=Idea.Status.NEW, required_spend__isnull=True,
                                waiting_on_team_id__isnull=True)
            .order_by("-pk").only("pk", "version").first())
    if card is not None:
        try:
            services.board_move(team=team, idea_id=card.pk, to=Idea.Status.IN_PROGRESS,
                                actor=lead, version=card.version)
            return "move"
        except DomainError:
            pass
    status = ["green", "amber"][round_no % 2]
    services.sqdc_set(team=team, day=timezone.localdate(), category="quality", status=status,
                      actor=lead)
    return "sqdc"


def main(argv: list[str]) -> int:
    import django

    django.setup()
    spec = json.loads(argv[0])
    done = []
    for round_no in range(spec.get("rounds", 1)):
        if round_no:
            time.sleep(spec.get("gap", 3))
        for slug in spec["teams"]:
            began = time.time()
            how = change_board(slug, round_no)
            done.append([slug, began, how])
    print(json.dumps(done))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
