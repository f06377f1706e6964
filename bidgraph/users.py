"""The user directory: who may use the workbench, in which role, over which sectors.

Kept in SQLite (``<data_dir>/users.sqlite``) beside the graph, like cases. Every change
is written to the audit log. Sign-in itself is not here: production deployments put the
workbench behind the organisation's single sign-on, which names the user."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bidgraph import audit
from bidgraph.errors import BidgraphError
from bidgraph.sqlitedb import transaction
from bidgraph.viewer import ROLE_ZH, Role, Viewer

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, display TEXT NOT NULL, role TEXT NOT NULL,
  sectors TEXT NOT NULL, active INTEGER NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, os_login TEXT NOT NULL DEFAULT '');
"""
# Sign-in names from SSO are logins: letters, digits and . _ - @ (no spaces or control characters).
NAME = re.compile(r"^[\w.@-]{1,64}$")


class UserError(BidgraphError):
    """A user directory change that cannot be made (unknown user, bad role, duplicate)."""


@dataclass(frozen=True)
class User:
    name: str
    display: str
    role: Role
    sectors: tuple[str, ...]
    active: bool
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    os_login: str = ""  # the operating-system account the CLI acts as this user for (empty: same as name)

    @property
    def viewer(self) -> Viewer:
        # The login name, not the display name: it is what the audit log records and SSO sends.
        return Viewer(user=self.name, role=self.role, sectors=frozenset(self.sectors))

    @property
    def scope(self) -> str:
        """The sectors in words, for tables and the sidebar."""
        return "、".join(self.sectors) if self.sectors else "全部行业"


def parse_role(value: str) -> Role:
    """A role from its English name or its Chinese label."""
    for role in Role:
        if value.strip() in (role.value, ROLE_ZH[role]):
            return role
    choices = "、".join(f"{r.value}（{ROLE_ZH[r]}）" for r in Role)
    raise UserError(f"无效的角色「{value}」，可选：{choices}")


def _sectors(values: Iterable[str]) -> str:
    return "|".join(sorted({v.strip() for v in values if v.strip()}))


class UserDirectory:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / "users.sqlite"

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with transaction(self.path) as db:
            db.executescript(SCHEMA)
            if "os_login" not in {row[1] for row in db.execute("PRAGMA table_info(users)")}:
                db.execute("ALTER TABLE users ADD COLUMN os_login TEXT NOT NULL DEFAULT ''")  # older files
            yield db

    def list(self, *, include_inactive: bool = True) -> list[User]:
        if not self.path.exists():
            return []  # reading does not create the file: an empty directory means the demo viewer
        with self._db() as db:
            rows = db.execute("SELECT * FROM users ORDER BY active DESC, name").fetchall()
        users = [_user(row) for row in rows]
        return users if include_inactive else [u for u in users if u.active]

    def get(self, name: str) -> User | None:
        return next((u for u in self.list() if u.name == name), None)

    def add(
        self,
        name: str,
        role: Role | str,
        *,
        actor: str,
        display: str = "",
        sectors: Iterable[str] = (),
        os_login: str = "",
    ) -> User:
        name = name.strip()
        if not NAME.match(name):
            raise UserError(f"用户名「{name}」无效：须为 1–64 位字母、数字或 . _ - @（与单点登录的登录名一致）")
        if self.get(name) is not None:
            raise UserError(f"用户「{name}」已存在；修改请用 update，停用请用 disable")
        role = parse_role(role)
        os_login = self._free_login(os_login, name)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db() as db:
            db.execute(
                "INSERT INTO users (name, display, role, sectors, active, created_at, created_by, updated_at,"
                " updated_by, os_login) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (name, display.strip() or name, role.value, _sectors(sectors), 1, at, actor, at, actor, os_login),
            )
        user = self._must(name)
        audit.record(self.data_dir, "user.add", actor=actor, target=f"user:{name}", details=_details(user))
        return user

    def update(
        self,
        name: str,
        *,
        actor: str,
        role: Role | str | None = None,
        display: str | None = None,
        sectors: Iterable[str] | None = None,
        active: bool | None = None,
        os_login: str | None = None,
    ) -> User:
        """Change what is given; the rest stays."""
        user = self._must(name)
        values = (
            self._free_login(os_login, name) if os_login is not None else user.os_login,
            (display or "").strip() or user.display,
            (parse_role(role) if role is not None else user.role).value,
            _sectors(sectors) if sectors is not None else "|".join(user.sectors),
            int(user.active if active is None else active),
            datetime.now(UTC).isoformat(timespec="seconds"),
            actor,
            name,
        )
        with self._db() as db:
            db.execute(
                "UPDATE users SET os_login=?, display=?, role=?, sectors=?, active=?, updated_at=?, updated_by=?"
                " WHERE name=?",
                values,
            )
        changed = self._must(name)
        action = "user.disable" if user.active and not changed.active else "user.update"
        audit.record(self.data_dir, action, actor=actor, target=f"user:{name}", details=_details(changed))
        return changed

    def disable(self, name: str, *, actor: str) -> User:
        return self.update(name, actor=actor, active=False)

    def for_os_login(self, login: str) -> User | None:
        """The active user the operating-system account ``login`` acts as: the one mapped to it,
        else the one of that name without a mapping of its own."""
        active = [u for u in self.list() if u.active]
        mapped = [u for u in active if u.os_login == login]
        return mapped[0] if mapped else next((u for u in active if u.name == login and not u.os_login), None)

    def _free_login(self, login: str, name: str) -> str:
        """``login`` checked: a valid account name that no other user is mapped to."""
        login = login.strip()
        if login and not NAME.match(login):
            raise UserError(f"系统账号「{login}」无效：须为 1–64 位字母、数字或 . _ - @")
        claims = [u for u in self.list() if u.name != name and (u.os_login or u.name) == login]
        taken = [u.name for u in claims if login]
        if taken:
            raise UserError(f"系统账号「{login}」已对应用户「{taken[0]}」：一个系统账号只能对应一个用户")
        return login

    def viewer_for(self, name: str) -> Viewer:
        """The viewer of an active user; unknown or disabled users are refused."""
        user = self.get(name.strip())
        if user is None:
            raise UserError(f"用户目录中没有「{name}」，请联系管理员添加")
        if not user.active:
            raise UserError(f"用户「{name}」已停用，请联系管理员")
        return user.viewer

    def _must(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"用户目录中没有「{name}」")
        return user


def _user(row: sqlite3.Row) -> User:
    return User(
        name=row["name"],
        display=row["display"],
        role=Role(row["role"]),
        sectors=tuple(s for s in row["sectors"].split("|") if s),
        active=bool(row["active"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        os_login=row["os_login"],
    )


def _details(user: User) -> dict[str, object]:
    return {
        "role": user.role.value,
        "display": user.display,
        "sectors": list(user.sectors),
        "active": user.active,
        "os_login": user.os_login,
    }
