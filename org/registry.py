"""Extension points that let later apps plug into org without org importing them."""

from collections.abc import Callable

from core.registry import Hooks

from .models import Team

# Each check returns a sentence describing open work that blocks deactivating the team, or None.
OpenWorkCheck = Callable[[Team], str | None]
_open_work_checks: Hooks[OpenWorkCheck] = Hooks()
register_open_work_check = _open_work_checks.register


def open_work_reasons(team: Team) -> list[str]:
    return [reason for check in _open_work_checks if (reason := check(team))]


# Each panel builder takes the request and returns a dict for the "My work" page
# ({"title", "template", "context"}) or None when it has nothing to show.
HomePanel = Callable[[object], dict | None]
_home_panels: Hooks[HomePanel] = Hooks()
register_home_panel = _home_panels.register
home_panels = _home_panels.all
