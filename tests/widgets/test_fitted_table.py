"""The fitted table: columns fit the width, long cells wrap, the highlighted row stays when rows or width change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets.data_table import ColumnKey, RowKey

from iam_tui.screens.access_keys import KEY_COLUMNS
from iam_tui.widgets.fitted_table import FitColumn, FittedTable

from ..screens.waiting import until


class TableApp(App[None]):
    def __init__(self, columns: tuple[FitColumn, ...]) -> None:
        super().__init__()
        self.columns = columns

    def compose(self) -> ComposeResult:
        yield FittedTable(self.columns, id="t")


async def test_columns_fit_the_width_and_long_cells_wrap() -> None:
    app = TableApp((FitColumn("Status", "status", 9), FitColumn("Recommendation", "title")))
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FittedTable)
        table.set_rows([("a", ("fail", "short")), ("b", ("pass", "a recommendation far too long for one line"))])
        await pilot.pause()
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no horizontal scrolling
        assert table.rows[RowKey("a")].height == 1 and table.rows[RowKey("b")].height > 1  # wrapped, not cut
        table.move_cursor(row=1)
        table.set_rows([("new", ("warn", "x")), ("a", ("fail", "short")), ("b", ("pass", "y"))])
        assert table.highlighted_key == "b"  # the same row, wherever it moved
        await pilot.resize_terminal(80, 12)
        # rebuilt for the new width once the resize reaches the table (later than one pause on a loaded machine)
        await until(pilot, lambda: table.columns[ColumnKey("title")].width > 40)
        assert table.highlighted_key == "b"


async def test_the_access_key_columns_all_show_their_heading_at_80_columns() -> None:
    app = TableApp(KEY_COLUMNS)
    async with app.run_test(size=(78, 12)) as pilot:  # the keys screen's body has one column of padding each side
        table = app.query_one(FittedTable)
        table.set_rows([("AKIAEXAMPLE000000000", ("AKIAEXAMPLE000000000", "Inactive (app)", "2026-12-02", "0 d",
                                                  "2026-12-01 s3 us-east-1", "build server"))])
        await pilot.pause()
        widths = table.column_widths()
        assert all(width >= len(c.label) for c, width in zip(KEY_COLUMNS, widths, strict=True))
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_home_and_end_go_to_the_first_and_the_last_row() -> None:
    """As in the app's other lists; DataTable's own Home and End scroll sideways, which a fitted table never needs."""
    app = TableApp((FitColumn("Status", "status", 9), FitColumn("Recommendation", "title")))
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FittedTable)
        table.set_rows([(str(n), ("pass", f"row {n}")) for n in range(30)])
        table.focus()
        await pilot.press("end")
        assert table.highlighted_key == "29"
        await pilot.press("home")
        assert table.highlighted_key == "0"
