"""Save a secret file: an editable path (default in the current directory), mode 0600, and an explicit question
before replacing an existing file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from ..files import TargetExists, existing_target, write_private_file
from ..widgets.data_text import Static
from .base import Dialog
from .confirm import ConfirmScreen


class SaveFileScreen(Dialog[Path | None]):
    """Dismisses with the path written, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#path"

    def __init__(self, title: str, default_path: Path, content: Callable[[], bytes], *, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.default_path = default_path
        self.content = content
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text)
            if self.note:
                yield Static(self.note, classes="muted")
            yield Input(str(self.default_path), id="path")
            yield Static("enter saves (file mode 0600) · esc cancels", classes="muted")
            yield Static("", id="save-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.save(Path(event.value.strip() or str(self.default_path)).expanduser())

    @work(exclusive=True)
    async def save(self, path: Path) -> None:
        error = self.query_one("#save-error", Static)
        try:
            found = existing_target(path)
        except OSError as exc:  # NotARegularFile says what is there
            error.update(f"Not saved: {exc.strerror or exc}. Choose another name.")
            return
        overwrite = False
        if found is not None:
            question = f"{path} exists. Replace it?"
            if found != "file":  # a symbolic link: the link itself is replaced, never what it points to
                gone = ", which does not exist" if found == "dangling link" else " (that file stays as it is)"
                question = f"{path} is a symbolic link to {os.readlink(path)}{gone}. Replace the link with the file?"
            overwrite = await self.confirm(ConfirmScreen(question, yes="Replace", no="Keep it"))
            if not overwrite:
                error.update("Not saved: pick another name.")
                return
        try:
            written = write_private_file(path, self.content(), overwrite=overwrite)
        except TargetExists:
            error.update(f"{path} appeared meanwhile: not replaced. Save again to decide.")
            return
        except OSError as exc:
            error.update(f"Cannot write {path}: {exc.strerror or exc}.")
            return
        self.dismiss(written)

    def action_cancel(self) -> None:
        self.dismiss(None)
