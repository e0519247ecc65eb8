"""Look up places by any spelling the gazetteer knows, or fail with the closest names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from geo.names import normalize_name
from geo.place import Place


class UnknownPlaceError(KeyError):
    """Raised when a name matches no gazetteer entry."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"No gazetteer entry for {name!r}.{hint}")

    def __str__(self) -> str:
        """Return the message without KeyError's quoting."""
        return str(self.args[0])


class AmbiguousPlaceError(KeyError):
    """Raised when one spelling names two different gazetteer entries."""


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


class Gazetteer:
    """An index of places by normalised name.

    Parameters
    ----------
    places
        The curated places; each is indexed under its id, name, aliases and
        (for GeoNames towns) every alternate name.
    """

    def __init__(self, places: Iterable[Place]) -> None:
        self._by_id: dict[str, Place] = {}
        # Two tiers: curated names (tier 0) win over GeoNames alternate names (tier 1),
        # so that e.g. the airport's curated code "DAM" is not lost to Damascus's.
        self._by_key: tuple[dict[str, set[str]], dict[str, set[str]]] = ({}, {})
        self._display: dict[str, str] = {}
        for place in places:
            self._by_id[place.id] = place
            for tier, labels in enumerate(self._names_by_tier(place)):
                for label in labels:
                    key = normalize_name(label)
                    if key:
                        self._by_key[tier].setdefault(key, set()).add(place.id)
                        self._display.setdefault(key, label)

    @staticmethod
    def _names_by_tier(place: Place) -> tuple[list[str], list[str]]:
        curated = [place.name, *place.aliases, place.id]
        return curated, [*place.alternate_names, *place.arabic_names]

    @classmethod
    def names_of(cls, place: Place) -> list[str]:
        """Return every spelling under which ``place`` is indexed."""
        curated, alternates = cls._names_by_tier(place)
        return list(dict.fromkeys([*curated, *alternates]))

    def __iter__(self) -> Iterator[Place]:
        """Iterate over the places."""
        return iter(self._by_id.values())

    def __len__(self) -> int:
        """Return the number of places."""
        return len(self._by_id)

    def get(self, place_id: str) -> Place | None:
        """Return the place with this exact id, or ``None``."""
        return self._by_id.get(place_id)

    def lookup_place(self, name: str) -> Place:
        """Return the place a name refers to.

        Parameters
        ----------
        name
            An id or any known spelling; case, accents, hyphens, apostrophes
            and the article are ignored.

        Raises
        ------
        UnknownPlaceError
            When nothing matches; the message lists the closest known names.
        AmbiguousPlaceError
            When the spelling is shared by two places.
        """
        if name in self._by_id:
            return self._by_id[name]
        key = normalize_name(name)
        for index in self._by_key:
            ids = index.get(key, set())
            if len(ids) == 1:
                return self._by_id[next(iter(ids))]
            if len(ids) > 1:
                msg = f"{name!r} could mean any of {sorted(ids)}; use the place id."
                raise AmbiguousPlaceError(msg)
        raise UnknownPlaceError(name, self.closest_names(name))

    def closest_names(self, name: str, *, n: int = 3) -> list[str]:
        """Return up to ``n`` known spellings closest to ``name``."""
        known = [*self._by_key[0], *self._by_key[1]]
        keys = difflib.get_close_matches(normalize_name(name), known, n=n, cutoff=0.6)
        return [self._display[k] for k in keys]

    def keys_by_place(self) -> dict[str, set[str]]:
        """Return ``{place id: its lookup keys}``: ``normalize_name`` of every spelling it is indexed under, empty keys left out."""
        out: dict[str, set[str]] = {pid: set() for pid in self._by_id}
        for index in self._by_key:
            for key, ids in index.items():
                for pid in ids:
                    out[pid].add(key)
        return out

    def search_index(self) -> dict[str, list[str]]:
        """Return ``{place id: [every spelling]}`` for client-side search."""
        out: dict[str, list[str]] = {pid: [] for pid in self._by_id}
        for index in self._by_key:
            for key, ids in sorted(index.items()):
                for pid in ids:
                    if self._display[key] not in out[pid]:
                        out[pid].append(self._display[key])
        return out


def arabic_names(names: Iterable[str]) -> tuple[str, ...]:
    """Return the names written in Arabic script."""
    return tuple(n for n in names if _is_arabic(n))
