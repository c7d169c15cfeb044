"""The board as one viewer sees it: the one read behind the board page and its fragment, the
wall screen and the API board.

``board_version`` is the cheap part (one query) that a poll compares with If-None-Match;
``board_view`` reads the rest only when something changed. What only some screens show (the
team's people, the capacity strip, whether the team has child boards) is read when first used,
so the API board does not pay for the page's extras.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils import timezone

from org.models import Membership, Team, User

from ..models import BoardSettings, Huddle
from .board import Board, BoardFilters, Card, build_board, team_members
from .capacity import BoardCapacity, board_capacity
from .sessions import discussed_ids, huddle_today
from .sqdc import Letter, team_letters
from .version import board_state_for_team


def board_version(team: Team, *, viewer: User, surface: str, today: date,
                  filters: BoardFilters | None = None) -> str:
    """The ETag of the board as ``viewer`` sees it on ``surface`` ("board", "wall", "api"),
    with its filters: one query."""
    state = board_state_for_team(team.slug, today=today)
    return state.etag(today=today, surface=surface, user_id=viewer.pk,
                      query=filters.as_query() if filters else None)


@dataclass
class BoardView:
    """A board as one viewer sees it today: what every screen of a board renders."""

    team: Team
    viewer: User | None  # None: a display link (private items masked)
    board: Board
    huddle: Huddle | None  # today's: the open one, else the latest
    letters: list[Letter]  # today's SQDC letters
    etag: str  # the board version, quoted as an ETag

    @property
    def version(self) -> str:
        return self.etag.strip('"')

    @property
    def today(self) -> date:
        return self.board.today

    @property
    def filters(self) -> BoardFilters:
        return self.board.filters

    @property
    def settings(self) -> BoardSettings:
        return self.board.settings

    @property
    def huddle_open(self) -> bool:
        return bool(self.huddle and self.huddle.is_open)

    def card(self, idea_id: int) -> Card | None:
        return self.board.card(idea_id)

    @cached_property
    def members(self) -> list[Membership]:
        return team_members(self.team)

    @cached_property
    def capacity(self) -> BoardCapacity:
        return board_capacity(self.team, self.today)

    @cached_property
    def has_children(self) -> bool:
        return self.team.children.filter(active=True).exists()


def board_view(team: Team, *, viewer: User | None, etag: str,
               filters: BoardFilters | None = None, today: date | None = None) -> BoardView:
    """The board of ``team`` for ``viewer`` (None: a display link), with today's huddle and
    letters, in a constant number of queries whatever the number of cards. ``etag`` is the
    version the caller compared (from ``board_version``, or the display link's state)."""
    today = today or timezone.localdate()
    huddle = huddle_today(team, today)
    board = build_board(team, viewer=viewer, filters=filters, today=today,
                        discussed_ids=discussed_ids(huddle))
    return BoardView(team=team, viewer=viewer, board=board, huddle=huddle, etag=etag,
                     letters=team_letters(team, board.settings, today))


def board_view_now(team: Team, *, viewer: User, surface: str,
                   filters: BoardFilters | None = None) -> BoardView:
    """The board as it is now, with its version read now: the answer to a change, where
    there is no version to compare."""
    today = timezone.localdate()
    etag = board_version(team, viewer=viewer, surface=surface, today=today, filters=filters)
    return board_view(team, viewer=viewer, etag=etag, filters=filters, today=today)
