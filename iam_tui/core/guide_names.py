"""Names the guide gives to what it creates, in a module of their own: the scan (through ``core.accepted`` and
``core.fixes``) needs the admin group's name without importing the create-user plan behind it."""

from __future__ import annotations

DEFAULT_GROUP = "PowerUsers"  # the guide's admin group (AdministratorAccess attached)
