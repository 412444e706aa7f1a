"""What a write changed in AWS, named: the app re-reads just those entities, and every screen that shows them follows
(the dashboard's rows and detail, the users screen, the summary, the guide's marks)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    USER = "IAM user"
    ACCESS_KEY = "access key"
    GROUP = "group"
    POLICY = "policy"
    ALIAS = "account alias"
    MFA_DEVICE = "MFA device"
    ACCOUNT_SETTING = "account setting"  # password policy, contacts, analyzers, root credentials


ANALYZERS = "access analyzer"  # the account setting that names the Access Analyzers (one per region)


@dataclass(frozen=True)
class Entity:
    """One thing a write changed. ``user``: the IAM user it belongs to (a key's, a device's, the user itself);
    ``removed``: it no longer exists."""

    kind: Kind
    name: str
    user: str | None = None
    removed: bool = False


@dataclass(frozen=True)
class Changed:
    """The entities one write changed (empty: something, unnamed; everything is read again)."""

    entities: tuple[Entity, ...] = ()

    def __or__(self, other: Changed) -> Changed:
        return Changed(self.entities + other.entities)

    @property
    def users(self) -> frozenset[str]:
        """Every user whose state changed (the scan reads them directly: the credential report lags)."""
        return frozenset(e.user for e in self.entities if e.user is not None)

    @property
    def users_only(self) -> bool:
        """Only existing users' keys and MFA devices changed: re-reading those users is enough (a new or removed
        user, a group, a policy or an account setting needs the whole scan)."""
        return bool(self.entities) and all(e.kind in (Kind.ACCESS_KEY, Kind.MFA_DEVICE) and e.user is not None
                                           for e in self.entities)

    @property
    def shown_nowhere(self) -> bool:
        """Only unassigned MFA devices changed (made for a user, not yet enabled, or deleted): no check, list or
        summary shows one (the scan reads the assigned devices), so there is nothing to read again."""
        return bool(self.entities) and all(e.kind is Kind.MFA_DEVICE and e.user is None for e in self.entities)

    @property
    def may_change_analyzers(self) -> bool:
        """Unnamed (anything may have changed: the analyzers' own fix plan names no user or group) or naming the
        analyzers. Every other write leaves them as they were, so the rescan after it need not read them again."""
        return not self.entities or any(e.kind is Kind.ACCOUNT_SETTING and e.name == ANALYZERS for e in self.entities)

    @property
    def removed_users(self) -> frozenset[str]:
        return frozenset(e.name for e in self.entities if e.kind is Kind.USER and e.removed)

    def with_removed_users(self, names: Iterable[str]) -> Changed:
        """These entities, and these users as removed."""
        return Changed(self.entities + tuple(Entity(Kind.USER, n, n, True) for n in names))

    @property
    def removed_keys(self) -> dict[str, str | None]:
        """Each deleted access key, with its user (None: the root user's)."""
        return {e.name: e.user for e in self.entities if e.kind is Kind.ACCESS_KEY and e.removed}

    def with_removed_keys(self, keys: Iterable[tuple[str | None, str]]) -> Changed:
        """These entities, and these (user, key ID) access keys as deleted."""
        return Changed(self.entities + tuple(Entity(Kind.ACCESS_KEY, key, user, True) for user, key in keys))

    @classmethod
    def user(cls, name: str, *, removed: bool = False) -> Changed:
        return cls((Entity(Kind.USER, name, name, removed),))

    @classmethod
    def key(cls, user: str, key_id: str, *, removed: bool = False) -> Changed:
        return cls((Entity(Kind.ACCESS_KEY, key_id, user, removed),))

    @classmethod
    def device(cls, user: str | None, serial: str, *, removed: bool = False) -> Changed:
        return cls((Entity(Kind.MFA_DEVICE, serial, user, removed),))

    @classmethod
    def group(cls, name: str, *, removed: bool = False) -> Changed:
        return cls((Entity(Kind.GROUP, name, None, removed),))

    @classmethod
    def alias(cls, name: str, *, removed: bool = False) -> Changed:
        return cls((Entity(Kind.ALIAS, name, None, removed),))

    @classmethod
    def setting(cls, name: str) -> Changed:
        """An account-wide setting: "password policy", "security contact", "access analyzer", "root access key"."""
        return cls((Entity(Kind.ACCOUNT_SETTING, name),))


def changed_by_steps(params: Iterable[Mapping[str, object]]) -> Changed:
    """What a plan's steps touch, from their parameters: the users and groups they name."""
    entities: list[Entity] = []
    for p in params:
        user, group = p.get("UserName"), p.get("GroupName")
        if isinstance(user, str):
            entities.append(Entity(Kind.USER, user, user))
        if isinstance(group, str):
            entities.append(Entity(Kind.GROUP, group))
    return Changed(tuple(dict.fromkeys(entities)))
