"""Hooks that let apps above systemic (escalation…) add sections to a systemic issue's page
without systemic importing them. Each app registers in its AppConfig.ready()."""

from core.registry import Builder, Hooks

_systemic_panels: Hooks[Builder] = Hooks(
    "Sections on a systemic issue's page (e.g. the escalation of its tracking item): "
    "builder(request, issue), each at a constant number of queries.")
register_systemic_panel, systemic_panels = _systemic_panels.register, _systemic_panels.all
