"""Hooks: how an app lower in the dependency chain lets the apps above plug in (rules, panels,
badges, navigation) without importing them. Apps register in their ``AppConfig.ready()``."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass


class Hooks[T]:
    """An ordered set of registered entries; registering one twice keeps one."""

    def __init__(self, doc: str = ""):
        self.__doc__ = doc
        self._entries: list[T] = []

    def register(self, entry: T) -> T:
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def unregister(self, entry: T) -> None:
        if entry in self._entries:
            self._entries.remove(entry)

    def all(self) -> list[T]:
        return list(self._entries)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries))


@dataclass(frozen=True)
class NavEntry:
    """A section of the top navigation: shown to every signed-in person, in ``order``."""

    order: int
    label: str
    url_name: str
    admin_only: bool = False


navigation: Hooks[NavEntry] = Hooks("The top navigation, as each app registers its sections.")


def register_nav(order: int, label: str, url_name: str, *, admin_only: bool = False
                 ) -> NavEntry:
    return navigation.register(NavEntry(order, label, url_name, admin_only))


def nav_entries() -> list[NavEntry]:
    return sorted(navigation, key=lambda e: e.order)


Builder = Callable[..., dict | None]
