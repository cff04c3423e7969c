"""Who may do what. Roles are coarse on purpose: the team is small."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DESK = "desk"
    SCANNING = "scanning"
    RECORDS_MANAGER = "records_manager"
    ADMIN = "admin"
    VIEWER = "viewer"


ROLE_LABELS = {
    Role.DESK: "desk staff",
    Role.SCANNING: "scanning operator",
    Role.RECORDS_MANAGER: "records manager",
    Role.ADMIN: "administrator",
    Role.VIEWER: "viewer",
}

# Admins may do anything; the other roles only what their job needs.
DESK_WORK = frozenset({Role.DESK, Role.RECORDS_MANAGER, Role.ADMIN})
SCANNING_WORK = frozenset({Role.SCANNING, Role.RECORDS_MANAGER, Role.ADMIN})
RECORDS_WORK = frozenset({Role.RECORDS_MANAGER, Role.ADMIN})
ADMIN_WORK = frozenset({Role.ADMIN})


def parse_role(text: str) -> Role:
    from paperless_ig.domain.errors import BadInput

    try:
        return Role(text.strip().lower())
    except ValueError:
        raise BadInput(
            f"role {text!r} is not one of {', '.join(r.value for r in Role)}"
        ) from None
