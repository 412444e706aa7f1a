"""A table whose columns always fit its width: fixed columns keep theirs, the flexible ones share the rest, and a
long cell wraps onto more lines. Nothing is cut and no horizontal scrollbar hides a row, at 80 columns as at 200."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

from .data_text import data_text, safe_text

Cell = str | Text


@dataclass(frozen=True)
class FitColumn:
    label: str
    key: str
    width: int | None = None  # None: flexible, sharing what the fixed columns leave by ``weight``
    weight: int = 1


class FittedTable(DataTable[Cell]):
    """Rows are given whole (:meth:`set_rows`) and rebuilt when the width changes; the highlighted row stays. A cell
    is data: shown as text (never markup), its control and bidi characters made visible."""

    DEFAULT_CSS = """
    FittedTable { overflow-x: hidden; }
    """
    MIN_FLEXIBLE = 8

    def __init__(self, columns: Sequence[FitColumn], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.fit_columns = tuple(columns)
        self.row_keys: list[str] = []
        self._cells: list[tuple[Cell, ...]] = []
        self._built_for_width = -1

    def set_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> None:
        """(key, cells) per row."""
        rows = list(rows)
        highlighted = self.highlighted_key
        previous = self.cursor_row
        self.row_keys = [key for key, _ in rows]
        self._cells = [tuple(cells) for _, cells in rows]
        self._build()
        if self.row_keys:
            index = self.row_keys.index(highlighted) if highlighted in self.row_keys else previous
            self.move_cursor(row=min(max(index, 0), len(self.row_keys) - 1))

    @property
    def highlighted_key(self) -> str | None:
        return self.row_keys[self.cursor_row] if 0 <= self.cursor_row < len(self.row_keys) else None

    # Home and End go to the first and the last row, as in the app's other lists (DataTable's scroll sideways, and
    # the columns here always fit: they did nothing).
    def action_scroll_home(self) -> None:
        self.action_scroll_top()

    def action_scroll_end(self) -> None:
        self.action_scroll_bottom()

    def on_resize(self) -> None:
        if self.size.width != self._built_for_width:
            row = self.cursor_row
            self._build()
            if self.row_keys:
                self.move_cursor(row=min(max(row, 0), len(self.row_keys) - 1))

    def column_widths(self) -> list[int]:
        padding = 2 * self.cell_padding
        flexible = [c for c in self.fit_columns if c.width is None]
        fixed = sum(c.width + padding for c in self.fit_columns if c.width is not None)
        room = self.size.width - fixed - len(flexible) * padding - self.styles.scrollbar_size_vertical
        weights = sum(c.weight for c in flexible) or 1
        return [c.width if c.width is not None else max(self.MIN_FLEXIBLE, room * c.weight // weights)
                for c in self.fit_columns]  # below MIN_FLEXIBLE, the table is too narrow anyway: it is cut there

    def _build(self) -> None:
        self.clear(columns=True)
        self._built_for_width = self.size.width
        for column, width in zip(self.fit_columns, self.column_widths(), strict=True):
            self.add_column(column.label, key=column.key, width=width)
        for key, cells in zip(self.row_keys, self._cells, strict=True):
            self.add_row(*(data_text(c, multiline=True) if isinstance(c, str) else safe_text(c) for c in cells),
                         key=key, height=None)
