"""A table for many rows: it draws only the lines on screen (Textual's Line API), so showing, sorting or filtering
10,000 rows costs a list of keys, not 10,000 rows added to a DataTable. Columns are sized from their content and fit
the width; a cell longer than its column ends in "…"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

PADDING = 1  # blank cells on each side of a cell, as DataTable's


@dataclass(frozen=True)
class LineColumn:
    label: str
    least: int = 4  # a narrower table cuts the widest columns down to this, never below


def content_widths(columns: Sequence[LineColumn], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column's widest cell in terminal cells (its label included)."""
    widths = [cell_len(c.label) for c in columns]
    for row in rows:
        for n, cell in enumerate(row):
            width = len(cell) if cell.isascii() else cell_len(cell)  # the quick way for the usual names
            if width > widths[n]:
                widths[n] = width
    return widths


def fit_widths(columns: Sequence[LineColumn], wanted: Sequence[int], room: int) -> list[int]:
    """``wanted`` cut to fit ``room`` (padding included): the widest column gives up a cell first, so that a long
    name or group list does not push every short column off the screen; none goes below its ``least`` (a table
    narrower than that is cut at its edge). What is left over goes to the last column."""
    widths = list(wanted)
    floors = [min(c.least, w) for c, w in zip(columns, widths, strict=True)]
    excess = sum(widths) + 2 * PADDING * len(widths) - room
    while excess > 0:
        n = max(range(len(widths)), key=lambda i: (widths[i] - floors[i], widths[i]))
        if widths[n] <= floors[n]:
            break
        widths[n] -= 1
        excess -= 1
    if excess < 0 and widths:
        widths[-1] += -excess
    return widths


class LineTable(ScrollView, can_focus=True):
    """Rows are keys; their cells are asked for (``cells``: new ``Text`` objects each time) only when a row is
    drawn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-table--header", "line-table--cursor", "line-table--even-row"}
    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-table--header { background-tint: $foreground 5%; }
        }
        &:dark > .line-table--even-row { background: $surface-darken-1 40%; }
        & > .line-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .line-table--even-row { background: $surface-lighten-1 50%; }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor moved to another row (a key, a click, :meth:`move_cursor`)."""

        def __init__(self, table: LineTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LineTable:
            return self.table

    class RowSelected(RowHighlighted):
        """enter on a row."""

    def __init__(self, columns: Sequence[LineColumn], cells: Callable[[str], Sequence[Text]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.cells = cells
        self.keys: Sequence[str] = ()
        self.cursor_row = 0
        self._wanted = [cell_len(c.label) for c in self.columns]
        self._widths = list(self._wanted)
        self._styles = (Style(), Style(), Style(), Style())  # base, header, even row, cursor: see render_lines

    # --- what is shown ---------------------------------------------------------------------------------------

    def show(self, keys: Sequence[str], wanted: Sequence[int] | None = None) -> None:
        """Show these rows, in this order. The highlighted row stays highlighted when it is still shown; else the
        first row is. ``wanted``: each column's widest cell over every row it may show (see
        :func:`content_widths`), so that the columns do not move as a filter narrows the rows."""
        highlighted = self.highlighted_key
        self.keys = keys
        if wanted is not None:
            self._wanted = list(wanted)
        row = 0
        if highlighted is not None:
            try:
                row = keys.index(highlighted)
            except ValueError:
                row = 0
        self.cursor_row = row
        self._layout()
        self._scroll_to_cursor(centre=True)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.keys)

    @property
    def highlighted_key(self) -> str | None:
        return self.keys[self.cursor_row] if 0 <= self.cursor_row < len(self.keys) else None

    def get_row_at(self, row: int) -> Sequence[Text]:
        return self.cells(self.keys[row])

    def column_widths(self) -> list[int]:
        return list(self._widths)

    def move_cursor(self, *, row: int) -> None:
        if not self.keys:
            return
        row = min(max(row, 0), len(self.keys) - 1)
        if row != self.cursor_row:
            self.cursor_row = row
            self._scroll_to_cursor()
            self.refresh()
            self.post_message(self.RowHighlighted(self, self.highlighted_key))

    # --- layout ----------------------------------------------------------------------------------------------

    def _layout(self) -> None:
        # The vertical scrollbar is there once the rows do not fit (it does not resize the table when it comes)
        scrollbar = self.styles.scrollbar_size_vertical if len(self.keys) + 1 > self.size.height else 0
        room = self.size.width - scrollbar
        self._widths = fit_widths(self.columns, self._wanted, room) if room > 0 else list(self._wanted)
        width = sum(self._widths) + 2 * PADDING * len(self._widths)
        self.virtual_size = Size(width, len(self.keys) + 1)  # the header, then the rows

    def on_resize(self) -> None:
        self._layout()
        self._scroll_to_cursor()
        self.refresh()

    @property
    def _rows_on_screen(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self, centre: bool = False) -> None:
        """Scroll so that the cursor's row is on screen (``centre``: in the middle, after the rows changed), and never
        below the last screenful (fewer rows than before leave no blank screen)."""
        seen = self._rows_on_screen
        bottom = max(0, len(self.keys) - seen)
        top = min(round(self.scroll_y), bottom)
        if not top <= self.cursor_row < top + seen:
            if centre:
                top = self.cursor_row - seen // 2
            else:
                top = self.cursor_row if self.cursor_row < top else self.cursor_row - seen + 1
            top = min(max(0, top), bottom)
        if top != round(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True, force=True)

    # --- drawing ---------------------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """The styles are looked up once per drawing, not per line (each lookup walks the widget's ancestors)."""
        base = self.rich_style
        self._styles = (base, base + self.get_component_rich_style("line-table--header"),
                        self.get_component_rich_style("line-table--even-row"),
                        self.get_component_rich_style("line-table--cursor"))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base, header, even, cursor = self._styles
        if y == 0:
            return self._strip([Text(c.label) for c in self.columns], header, width)
        row = round(self.scroll_y) + y - 1
        if not 0 <= row < len(self.keys):
            return Strip.blank(width, base)
        style = base
        if row % 2 == 0:  # counted from 0, as DataTable's zebra stripes
            style += even
        if row == self.cursor_row:
            style += cursor
        return self._strip(self.cells(self.keys[row]), style, width)

    def _strip(self, cells: Sequence[Text], style: Style, width: int) -> Strip:
        """One line; the cells are the table's to cut (``cells`` makes them for each drawing)."""
        line = Text(no_wrap=True, end="")
        pad = " " * PADDING
        for cell, cell_width in zip(cells, self._widths, strict=False):
            cell.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append(pad)
            line.append_text(cell)
            line.append(pad)
        segments = list(line.render(self.app.console))
        return Strip(segments).apply_style(style).crop_extend(0, width, style)

    # --- keys and mouse --------------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._rows_on_screen)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._rows_on_screen)

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self.keys) - 1)

    def action_select_cursor(self) -> None:
        if self.highlighted_key is not None:
            self.post_message(self.RowSelected(self, self.highlighted_key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.move_cursor(row=round(self.scroll_y) + offset.y - 1)
