"""Review-unit ancestry: is a unit the same as, or beneath, another one."""

from __future__ import annotations

from collections.abc import Callable


def unit_within(unit_id: str, ancestor_id: str, parent_of: Callable[[str], str | None]) -> bool:
    """True when ``unit_id`` is ``ancestor_id`` or lies beneath it. ``parent_of`` gives a
    unit's parent ("" or None at the top); a cycle in the parents ends the walk (False)."""
    seen: set[str] = set()
    current: str | None = unit_id
    while current and current not in seen:
        if current == ancestor_id:
            return True
        seen.add(current)
        current = parent_of(current)
    return False
