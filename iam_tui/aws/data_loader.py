"""botocore's loader of its bundled JSON, without the walk over every service it does to load one model.

To load a service's model, botocore first lists every service that has a file of that type (about 450 directories,
some 2,700 ``stat`` calls: ~20 ms, once for models and once for endpoint rule sets) only to check that the one
asked for is among them. Here that check looks in the one service's directory; the full list is still built if
something iterates it (the "unknown service" message does)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any, overload

from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader


class DirectLoader(Loader):  # type: ignore[misc]  # botocore has no type hints
    def list_available_services(self, type_name: str) -> Sequence[str]:
        return ServicesWith(self, type_name)


class ServicesWith(Sequence[str]):
    """The services that have a ``type_name`` file: ``name in`` it asks only that service's directory."""

    def __init__(self, loader: DirectLoader, type_name: str) -> None:
        self._loader = loader
        self._type_name = type_name

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not name or os.sep in name or name.startswith("."):
            return False
        try:
            return bool(self._loader.list_api_versions(name, self._type_name))  # cached by botocore
        except DataNotFoundError:
            return False

    def _all(self) -> list[str]:
        return list(Loader.list_available_services(self._loader, self._type_name))

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._all()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def direct_loader(data_path: Any = None) -> DirectLoader:
    """As ``botocore.loaders.create_loader``: ``data_path`` (AWS_DATA_PATH) adds search paths before the bundled
    ones."""
    if not data_path:
        return DirectLoader()
    paths = [os.path.expanduser(os.path.expandvars(path)) for path in str(data_path).split(os.pathsep)]
    return DirectLoader(extra_search_paths=paths)
