"""The line table: columns sized from their cells and fitted to the width; only the lines on screen are drawn; the
cursor keeps its row when the rows change."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import App, ComposeResult

from iam_tui.widgets.line_table import PADDING, LineColumn, LineTable, content_widths, fit_widths

COLUMNS = (LineColumn("Name", least=6), LineColumn("Age", least=3), LineColumn("Groups", least=6))


def test_content_widths_count_labels_and_wide_characters() -> None:
    assert content_widths(COLUMNS, [("al", "1", ""), ("名前です", "10", "PowerUsers")]) == [8, 3, 10]


def test_fit_widths_cut_the_widest_first_and_never_below_least() -> None:
    padding = 2 * PADDING * len(COLUMNS)
    assert fit_widths(COLUMNS, [10, 3, 10], 40 + padding) == [10, 3, 27]  # room left: the last column takes it
    assert fit_widths(COLUMNS, [30, 3, 10], 30 + padding) == [17, 3, 10]  # the long names give way, not the groups
    assert fit_widths(COLUMNS, [30, 3, 30], 31 + padding) == [14, 3, 14]  # both, widest first
    assert fit_widths(COLUMNS, [30, 3, 30], 5 + padding) == [6, 3, 6]  # never below least: cut at the edge
    assert fit_widths(COLUMNS, [4, 3, 2], 5 + padding) == [4, 3, 2]  # a narrow cell is not widened to least


class TableApp(App[None]):
    def __init__(self, rows: dict[str, Sequence[str]]) -> None:
        super().__init__()
        self.data = rows
        self.drawn: list[str] = []

    def cells(self, key: str) -> list[Text]:
        self.drawn.append(key)
        return [Text(c) for c in self.data[key]]

    def compose(self) -> ComposeResult:
        yield LineTable(COLUMNS, self.cells, id="t")


async def test_draws_only_the_lines_on_screen_and_keeps_the_highlighted_row() -> None:
    rows: dict[str, Sequence[str]] = {f"user{i:04d}": (f"user{i:04d}", str(i % 90), "PowerUsers") for i in range(5000)}
    app = TableApp(rows)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(LineTable)
        keys = sorted(rows)
        table.show(keys, content_widths(COLUMNS, list(rows.values())))
        await pilot.pause()
        assert 0 < len(set(app.drawn)) <= 12  # one screen of rows, not 5,000
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no horizontal scrolling
        assert table.highlighted_key == "user0000"
        table.focus()
        await pilot.press("down", "down", "pagedown")
        assert table.cursor_row == 2 + table.scrollable_content_region.height - 1
        await pilot.press("end")
        assert table.highlighted_key == "user4999" and table.scroll_y > 4000  # scrolled to it
        seen = table.scrollable_content_region.height - 1
        table.move_cursor(row=0)
        table.move_cursor(row=100 + seen - 1)  # down to it: the screen starts at row 100
        table.move_cursor(row=105)
        assert table.scroll_y == 100
        table.show(keys[:108])  # the row stays on screen, but the screen is past the last row
        assert table.cursor_row == 105 and table.scroll_y == 108 - seen  # the last screenful, not a blank end
        table.show(keys)
        await pilot.press("home", "down")
        assert table.highlighted_key == "user0001"
        await pilot.click(LineTable, offset=(2, 4))  # the header, then rows 0, 1, 2, 3
        assert table.highlighted_key == "user0003"
        await pilot.press("up", "up")
        assert table.highlighted_key == "user0001"
        table.show([k for k in reversed(keys) if k.endswith("1")])
        assert table.highlighted_key == "user0001" and table.cursor_row == table.row_count - 1  # the same row
        table.show(["user0002", "user0003"])
        assert table.highlighted_key == "user0002"  # gone: the first row
        assert [str(c) for c in table.get_row_at(1)] == ["user0003", "3", "PowerUsers"]
        table.show([])
        assert table.highlighted_key is None and table.row_count == 0
