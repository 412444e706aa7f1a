"""A search field over a list: typing filters, up/down move the highlight without leaving the field, enter chooses
the highlighted entry (from the field or from the list)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from .data_text import data_text


@dataclass(frozen=True)
class SearchItem:
    id: str
    label: str
    search_text: str = ""  # what typing matches (ignoring case); the label when empty


class SearchInput(Input):
    """The search field: up/down move the list's highlight (the field keeps the focus)."""

    BINDINGS = [Binding("down", "move(1)", "Next", show=False), Binding("up", "move(-1)", "Previous", show=False)]

    def action_move(self, step: int) -> None:
        parent = self.parent
        if isinstance(parent, SearchList):
            parent.move(step)


class SearchList(Vertical):
    """Posts :class:`SearchList.Chosen` when an entry is chosen with enter."""

    DEFAULT_CSS = """
    SearchList { height: auto; }
    SearchList > OptionList { height: auto; max-height: 8; }
    """

    @dataclass
    class Chosen(Message):
        search_list: SearchList
        item_id: str

        @property
        def control(self) -> SearchList:
            return self.search_list

    def __init__(self, placeholder: str, *, limit: int = 200, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder
        self.limit = limit
        self.items: Sequence[SearchItem] = ()
        self.current: str | None = None  # the id to highlight when it is shown

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder=self.placeholder)
        yield OptionList()

    @property
    def search(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def show(self, items: Sequence[SearchItem], current: str | None = None) -> None:
        self.items = items
        self.current = current
        self._filter(self.search.value)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter(event.value)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        shown = [i for i in self.items if needle in (i.search_text or i.label).lower()][:self.limit]
        options = self.options
        options.set_options(Option(data_text(item.label), id=item.id) for item in shown)
        if shown:
            options.highlighted = next((n for n, item in enumerate(shown) if item.id == self.current), 0)

    def move(self, step: int) -> None:
        if step > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    @on(Input.Submitted)
    def _enter_in_search(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.options.highlighted_option
        if option is not None and option.id is not None:
            self.post_message(self.Chosen(self, option.id))

    @on(OptionList.OptionSelected)
    def _enter_in_list(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(self, event.option.id))
