"""Extension points that let later apps plug into org without org importing them."""

from collections.abc import Callable

from .models import Team

# Each check returns a sentence describing open work that blocks deactivating the team, or None.
OpenWorkCheck = Callable[[Team], str | None]
_open_work_checks: list[OpenWorkCheck] = []


def register_open_work_check(check: OpenWorkCheck) -> OpenWorkCheck:
    if check not in _open_work_checks:
        _open_work_checks.append(check)
    return check


def open_work_reasons(team: Team) -> list[str]:
    return [reason for check in _open_work_checks if (reason := check(team))]


# Each panel builder takes the request and returns a dict for the "My work" page
# ({"title", "template", "context"}) or None when it has nothing to show.
HomePanel = Callable[[object], dict | None]
_home_panels: list[HomePanel] = []


def register_home_panel(builder: HomePanel) -> HomePanel:
    if builder not in _home_panels:
        _home_panels.append(builder)
    return builder


def home_panels() -> list[HomePanel]:
    return list(_home_panels)
