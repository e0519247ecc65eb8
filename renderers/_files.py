"""Write one text file per layer into ``out_dir/layers/`` (GeoJSON, QML sidecars)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from layers import Layer


def write_layer_files(layers: list[Layer], out_dir: Path, suffix: str, render: Callable[[Layer], str]) -> list[Path]:
    """Write ``out_dir/layers/<layer><suffix>`` with ``render(layer)`` for each layer.

    Parameters
    ----------
    layers
        The layers to write, one file each.
    out_dir
        The build folder; files go into its ``layers/`` subfolder.
    suffix
        File extension with its dot, e.g. ``".geojson"``.
    render
        Returns the file's text for one layer.

    Returns
    -------
    list[Path]
        The paths written, in layer order.
    """
    folder = out_dir / "layers"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for layer in layers:
        path = folder / f"{layer.name}{suffix}"
        path.write_text(render(layer), encoding="utf-8")
        paths.append(path)
    return paths
