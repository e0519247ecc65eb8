"""Assemble the offline web map from the layers and write ``dist/index.html``."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import folium
from branca.element import Figure

from dataset.model import Dataset
from layers import Layer
from renderers.webmap._assets import assert_offline
from renderers.webmap._basemap import basemap_payload
from renderers.webmap._controls import controls_payload
from renderers.webmap._elements import OfflineMap, WebmapApp
from renderers.webmap._escape import escape_text, script_json
from renderers.webmap._ids import set_deterministic_ids
from renderers.webmap._legend import legend_payload
from renderers.webmap._payload import EvidenceTable, group_order, layer_payload, meta_payload, styles_payload

INDEX = "index.html"
# Map centre and zoom before the page fits the view to the data (Syria), as (lat, lon).
DEFAULT_CENTRE_LATLON = (34.8, 38.9)
DEFAULT_ZOOM = 6
# The view the page opens on, (lon_min, lat_min, lon_max, lat_max): Syria and Lebanon with the
# ways out through Iraq to Iran. Lines to farther places (Afghanistan) run off its edge.
VIEW_BBOX = (34.0, 29.5, 54.5, 38.0)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def build_date(environ: dict[str, str] | None = None) -> str:
    """Return the build time as ``YYYY-MM-DD HH:MM UTC``, from ``SOURCE_DATE_EPOCH`` when set."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            when = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            msg = f"SOURCE_DATE_EPOCH must be a Unix time in seconds, got {epoch!r}."
            raise ValueError(msg) from exc
    else:
        when = dt.datetime.now(tz=dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def page_data(layers: list[Layer], ds: Dataset, *, built: str) -> dict[str, object]:
    """Return everything the page draws and asks about.

    Meta, styles, layer groups, layers (features refer to the shared ``evidence`` table), legend,
    basemap, and what the controls need: places to search, filter choices, timeline and story,
    the About panel's text and sources.
    """
    evidence = EvidenceTable()
    layer_data = [layer_payload(layer, evidence) for layer in layers]
    return {
        "meta": meta_payload(ds, built),
        "view": {"bounds": [[VIEW_BBOX[1], VIEW_BBOX[0]], [VIEW_BBOX[3], VIEW_BBOX[2]]]},
        "styles": styles_payload(),
        "groups": group_order(layers),
        "layers": layer_data,
        "evidence": evidence.entries,
        "legend": legend_payload(layers),
        "basemap": basemap_payload(),
        "controls": controls_payload(ds, layers),
    }


def build_webmap(layers: list[Layer], ds: Dataset, *, built: str | None = None) -> folium.Map:
    """Return the folium map (inside its figure), ready to render offline.

    Parameters
    ----------
    layers
        The layers in drawing order (areas first).
    ds
        The dataset, for its title, version, as-of date, licence and disclaimer.
    built
        Build date shown on the page; by default from ``SOURCE_DATE_EPOCH`` or the clock.
    """
    # Until the page lists the country-wide claims in its own panel (issue 11 §2, branch legible-web),
    # a panel layer is left out of the page rather than drawn as marks.
    layers = [layer for layer in layers if not layer.style.panel]
    figure = Figure(title=escape_text(ds.info.title))
    fmap = OfflineMap(
        location=list(DEFAULT_CENTRE_LATLON),
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        min_zoom=4,
        max_zoom=13,
    )
    figure.add_child(fmap)
    data = page_data(layers, ds, built=built or build_date())
    fmap.add_child(WebmapApp(script_json(data)))
    set_deterministic_ids(figure)
    return fmap


def _csp(page: str) -> str:
    """Return a Content-Security-Policy allowing only this page's own inline scripts (by hash)."""
    hashes = sorted({base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") for code in _SCRIPT.findall(page)})
    scripts = " ".join(f"'sha256-{h}'" for h in hashes)
    policy = (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'"
    )
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def render_page(fmap: folium.Map) -> str:
    """Return the page's HTML with its security policy; raise if anything would load remotely."""
    figure = fmap.get_root()
    page = figure.render()
    charset = '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />'
    if charset not in page:
        msg = "The rendered page lacks folium's charset <meta>; cannot place the Content-Security-Policy after it."
        raise RuntimeError(msg)
    page = page.replace(charset, charset + "\n" + _csp(page) + '\n<meta name="referrer" content="no-referrer">', 1)
    assert_offline(page)
    return page


def render_webmap(layers: list[Layer], ds: Dataset, out_dir: Path) -> list[Path]:
    """Write ``out_dir/index.html``, the offline web map; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / INDEX
    path.write_text(render_page(build_webmap(layers, ds)), encoding="utf-8")
    return [path]
