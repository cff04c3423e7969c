"""Identity and roles: the operating-system login, mapped to a role here.

The first person to use a new database becomes its admin, so that a fresh
install is usable without a set-up step; after that, unknown logins are
refused with the command an admin would run to let them in.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paperless_ig.domain.errors import PermissionDenied
from paperless_ig.domain.roles import ADMIN_WORK, ROLE_LABELS, Role, parse_role
from paperless_ig.services import audit
from paperless_ig.store.database import Database
from paperless_ig.store.models import User


def current_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container
        return "unknown"


@dataclass(frozen=True)
class UserInfo:
    login: str
    name: str
    role: Role

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def _info(user: User) -> UserInfo:
    return UserInfo(user.login, user.name, Role(user.role))


def ensure_user(session: Session, login: str) -> User:
    """The user for ``login``; on an empty database, create them as admin."""
    user = session.execute(select(User).where(User.login == login)).scalar_one_or_none()
    if user is not None:
        if not user.active:
            raise PermissionDenied(f"user {login!r} is disabled in this database")
        return user
    if session.execute(select(func.count(User.id))).scalar_one() == 0:
        user = User(login=login, name=login, role=Role.ADMIN.value, created_at=audit.utcnow())
        session.add(user)
        session.flush()
        audit.record(session, login, "user.create", "user", login, None,
                     {"role": "admin", "why": "first user of a new database"})
        return user
    raise PermissionDenied(
        f"user {login!r} is not registered in this database; an admin can add them with "
        f"'paperless-ig user add {login} --role desk'"
    )


def require(session: Session, login: str, allowed: frozenset[Role], doing: str) -> User:
    """The acting user, or a refusal that says who may do ``doing``."""
    user = ensure_user(session, login)
    if Role(user.role) not in allowed:
        who = " or ".join(sorted(ROLE_LABELS[r] for r in allowed))
        raise PermissionDenied(
            f"{login} ({ROLE_LABELS[Role(user.role)]}) cannot {doing}: that needs {who}"
        )
    return user


def whoami(db: Database, login: str) -> UserInfo:
    with db.write() as session:
        return _info(ensure_user(session, login))


def add_user(db: Database, actor: str, login: str, role: str, name: str | None = None) -> UserInfo:
    """Add a user, or change an existing user's role and name."""
    new_role = parse_role(role)
    login = login.strip()
    with db.write() as session:
        require(session, actor, ADMIN_WORK, "add users")
        user = session.execute(select(User).where(User.login == login)).scalar_one_or_none()
        if user is None:
            user = User(login=login, name=name or login, role=new_role.value,
                        created_at=audit.utcnow())
            session.add(user)
            audit.record(session, actor, "user.create", "user", login, None,
                         {"role": new_role.value, "name": user.name})
        else:
            before = {"role": user.role, "name": user.name, "active": user.active}
            user.role, user.active = new_role.value, True
            if name:
                user.name = name
            audit.record(session, actor, "user.update", "user", login, before,
                         {"role": user.role, "name": user.name, "active": True})
        session.flush()
        return _info(user)

