"""The QR widget scans: its rendered cells, read back as a bitmap, decode to the exact URI with zxing-cpp."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region, Size

from iam_tui.core.mfa import otpauth_uri
from iam_tui.core.secret import Secret
from iam_tui.widgets.qr_code import QUIET_ZONE, QrCode, best_fit, cells_for, qr_symbol, with_quiet_zone

from .qr_decode import decode, modules_of

SEED = Secret("QVNXGWPNVYKUOGV4UVOABT6GX2ZQBNI3PSEFFGM5UN4O7GHROVUZ5PONI6MCYGOH")  # 64 chars, as AWS gives


class QrApp(App[None]):
    def __init__(self, text: Secret, theme: str) -> None:
        super().__init__()
        self.text = text
        self.initial_theme = theme

    def compose(self) -> ComposeResult:
        yield QrCode(self.text, id="qr")

    def on_mount(self) -> None:
        self.theme = self.initial_theme


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("device, account", [("a", "123456789012"), ("d" * 64, "my-company")])
async def test_rendered_qr_decodes_to_the_uri(theme: str, device: str, account: str) -> None:
    uri = otpauth_uri(device, account, SEED)
    app = QrApp(uri, theme)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert app.current_theme.name == theme
        widget = app.query_one("#qr", QrCode)
        assert widget.size == widget.cell_size  # it takes exactly the cells it says it needs
        strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    modules = modules_of(strips)  # asserts every cell has explicit colours
    assert decode(modules) == [uri.reveal()]
    assert decode(modules, invert=True) == []  # light-on-dark would not scan: the polarity matters


def test_size_quiet_zone_and_error_correction_l() -> None:
    uri = otpauth_uri("a", "123456789012", SEED)
    matrix = with_quiet_zone(qr_symbol(uri), QUIET_ZONE)
    assert len(matrix) == 53 and cells_for(matrix) == Size(53, 27)
    for ring in range(QUIET_ZONE):  # the quiet zone is light all round
        assert not any(matrix[ring]) and not any(matrix[-1 - ring])
        assert not any(row[ring] or row[-1 - ring] for row in matrix)
    assert matrix[QUIET_ZONE][QUIET_ZONE]  # the finder pattern starts right after it
    long = otpauth_uri("d" * 64, "123456789012", SEED)
    assert cells_for(with_quiet_zone(qr_symbol(long), QUIET_ZONE)).width == 61  # version 9 at level L


async def test_wipe_forgets_the_code() -> None:
    app = QrApp(Secret("otpauth://totp/x"), "textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one("#qr", QrCode)
        widget.wipe()
        await pilot.pause()
        assert widget.wiped and widget.size.height == 0 and widget.cell_size.width == 0


@pytest.mark.parametrize("room, choice", [
    (Size(80, 27), (0, 4)),  # AWS's URI, version 7 (45 modules), with the standard's quiet zone: 53×27
    (Size(80, 25), (0, 2)),  # ... with the narrowest: 49×25
    (Size(80, 24), (1, 3)),  # the shorter URI, version 6 (41 modules): 47×24
    (Size(80, 23), (1, 2)),  # 45×23: an 80x24 terminal less the caption
    (Size(44, 40), None),
    (Size(80, 22), None),
])
def test_best_fit_prefers_the_first_text_then_the_widest_quiet_zone(room: Size, choice: tuple[int, int] | None) -> None:
    symbols = [qr_symbol(otpauth_uri("alice", "123456789012", SEED, issuer_in_label=label)) for label in (True, False)]
    assert [len(symbol) for symbol in symbols] == [45, 41]
    assert best_fit(symbols, room) == choice


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_fit_draws_the_text_that_fits_and_it_scans(theme: str) -> None:
    uris = [otpauth_uri("alice", "123456789012", SEED, issuer_in_label=label) for label in (True, False)]
    app = QrApp(uris[0], theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one("#qr", QrCode)
        assert widget.cell_size == Size(53, 27) and widget.quiet_zone == QUIET_ZONE
        second = QrCode(uris, id="two")
        await widget.remove()
        await app.mount(second)
        assert second.fit(Size(80, 23)) and second.text == uris[1] and second.cell_size == Size(45, 23)
        await pilot.pause()
        strips = second.render_lines(Region(0, 0, second.size.width, second.size.height))
        assert decode(modules_of(strips)) == [uris[1].reveal()]
        assert not second.fit(Size(40, 40)) and second.cell_size == Size(45, 23)  # the least it needs
        assert second.fit(Size(80, 30)) and second.text == uris[0] and second.cell_size == Size(53, 27)
