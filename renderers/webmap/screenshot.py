"""Screenshot the built web map in headless Chromium with the network cut off.

Usage::

    python -m renderers.webmap.screenshot dist/index.html docs/webmap.png
    python -m renderers.webmap.screenshot dist/index.html popup.png --popup movements:FEATURE_ID
    python -m renderers.webmap.screenshot dist/index.html docs/webmap-phone.png --phone
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Debian's chromium, run without its own network traffic (updates, sync, safe browsing).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
VIEWPORT = {"width": 1400, "height": 900}
# A phone held upright (an iPhone 12-15's CSS pixels), with touch and the mobile viewport.
PHONE_VIEWPORT = {"width": 390, "height": 844}


def find_chromium() -> str | None:
    """Return the path of Debian's Chromium (or another Chrome) if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class OfflinePage:
    """A Playwright page that blocks and records every request other than ``file:`` and ``data:``."""

    def __init__(self, page: Any) -> None:  # noqa: ANN401 - playwright's Page
        self.page = page
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        page.route("**/*", self._route)
        page.on("request", self._request)
        page.on("console", lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:  # noqa: ANN401
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _request(self, request: Any) -> None:  # noqa: ANN401
        if not request.url.startswith(("file:", "data:")) and request.url not in self.blocked:
            self.blocked.append(request.url)

    def _dialog(self, dialog: Any) -> None:  # noqa: ANN401
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, html_path: Path, fragment: str = "") -> None:
        """Load the map (with a permalink ``fragment`` such as ``#cmp=2024-11-27,2024-12-14``) and wait until its script says it is ready."""
        self.page.goto(html_path.resolve().as_uri() + (fragment if fragment.startswith("#") or not fragment else "#" + fragment))
        self.page.wait_for_function("() => Boolean(window.militiaMap && window.militiaMap.ready === true)", timeout=30_000)


@contextmanager
def offline_page(chromium: str, *, viewport: dict[str, int] | None = None, bypass_csp: bool = False, phone: bool = False) -> Iterator[OfflinePage]:
    """Yield an :class:`OfflinePage` in a fresh headless Chromium, closed afterwards.

    ``bypass_csp`` turns off the page's Content-Security-Policy, so a test proves the escaping
    alone keeps injected text inert. ``phone`` opens it as a phone does: ``PHONE_VIEWPORT``
    unless ``viewport`` is given, touch, and the mobile viewport ``<meta>`` honoured.
    """
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only the browser tools need it

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS), headless=True)
        try:
            size = viewport or (PHONE_VIEWPORT if phone else VIEWPORT)
            context = browser.new_context(
                viewport={"width": size["width"], "height": size["height"]},
                device_scale_factor=1,
                service_workers="block",
                bypass_csp=bypass_csp,
                is_mobile=phone,
                has_touch=phone,
            )
            yield OfflinePage(context.new_page())
        finally:
            browser.close()


def take_screenshot(
    html_path: Path, png_path: Path, *, popup: str = "", chromium: str | None = None, phone: bool = False, fragment: str = "", open_panel: str = ""
) -> list[str]:
    """Write a PNG of the map; return the requests that were blocked (should be none).

    Parameters
    ----------
    html_path
        The built ``index.html``.
    png_path
        Where to write the PNG.
    popup
        ``layer:feature_id`` of a feature whose popup is opened before the shot.
    chromium
        Path of the browser; found on ``PATH`` when not given.
    phone
        Shoot it as a phone shows it (390 x 844, touch) instead of a 1400 x 900 laptop window.
    fragment
        A permalink's fragment to open the map at (``#cmp=2024-11-27,2024-12-14``: compare mode).
    open_panel
        CSS selector of a folded panel (``details``) to open before the shot, e.g. ``.mm-compare``.
    """
    browser = chromium or find_chromium()
    if browser is None:
        msg = "Chromium not found; install Debian's package: apt-get install chromium"
        raise RuntimeError(msg)
    with offline_page(browser, phone=phone) as view:
        view.open(html_path, fragment)
        if open_panel:
            view.page.click(f"{open_panel} > summary")
        if popup:
            layer, _, feature = popup.partition(":")
            if not view.page.evaluate("([l, f]) => window.militiaMap.openPopup(l, f)", [layer, feature]):
                msg = f"No feature {feature!r} in layer {layer!r} to open a popup for."
                raise ValueError(msg)
        view.page.wait_for_timeout(300)
        png_path.parent.mkdir(parents=True, exist_ok=True)
        view.page.screenshot(path=str(png_path))
        return list(view.blocked)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m renderers.webmap.screenshot", description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the built web map, e.g. dist/index.html")
    parser.add_argument("png", type=Path, help="output PNG, e.g. docs/webmap.png")
    parser.add_argument("--popup", default="", help="open this feature's popup first, as LAYER:FEATURE_ID")
    parser.add_argument("--phone", action="store_true", help="shoot it as a phone shows it (390 x 844, touch)")
    parser.add_argument("--fragment", default="", help="open the map at this permalink fragment, e.g. '#cmp=2024-11-27,2024-12-14'")
    parser.add_argument("--open", dest="open_panel", default="", help="open this folded panel first (CSS selector, e.g. .mm-compare)")
    args = parser.parse_args(argv)
    blocked = take_screenshot(args.html, args.png, popup=args.popup, phone=args.phone, fragment=args.fragment, open_panel=args.open_panel)
    if blocked:
        print(f"The page tried to reach the network: {blocked}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"Wrote {args.png}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
