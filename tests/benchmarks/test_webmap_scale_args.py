"""The benchmark's command line: --sizes as a comma list or a space list, case shapes, --maps."""

from __future__ import annotations

import argparse

import pytest

from benchmarks.webmap_scale import MAPS, case_label, case_shape, parse_args, parse_maps, parse_sizes


@pytest.mark.parametrize(
    ("given", "sizes"),
    [
        (["1000,100000,1000000"], [1000, 100000, 1000000]),
        (["1000", "100000"], [1000, 100000]),
        (["1000,", "10000", "1_000_000"], [1000, 10000, 1000000]),
    ],
)
def test_sizes_comma_or_space_list(given: list[str], sizes: list[int]) -> None:
    assert parse_sizes(given) == sizes
    assert parse_args(["--sizes", *given]).sizes == sizes


@pytest.mark.parametrize("bad", [["10k"], ["-5"], [","], ["0"]])
def test_bad_sizes_say_what_to_write(bad: list[str]) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="--sizes"):
        parse_sizes(bad)


def test_bad_sizes_exit_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--sizes", "1000,lots"])
    assert "'lots' is not a positive whole number" in capsys.readouterr().err


def test_case_shapes_are_the_issue_cases() -> None:
    assert case_shape(100_000, "distinct", 0.2, 1_000_000) == (100_000, 20_000)  # (a)
    assert case_shape(100_000, "quotes", 0.2, 1_000_000) == (100_000, 20_000)  # (b)
    assert case_shape(1_000_000, "distinct", 0.2, 1_000_000) == (1_000_000, 0)  # (c)
    assert case_shape(1_000, "resampled", 0.2, 1_000_000) == (1_000, 0)
    assert case_label((100_000, 20_000), "distinct") == "100,000 + 20,000 lines"
    assert case_label((1_000_000, 0), "distinct") == "1,000,000"


def test_maps_keep_the_table_order_and_refuse_unknown_ones() -> None:
    assert parse_maps("lonboard,ours") == ["ours", "lonboard"]
    assert parse_args([]).maps == list(MAPS)
    assert "explore" not in parse_args(["--skip-explore"]).maps
    with pytest.raises(argparse.ArgumentTypeError, match="unknown"):
        parse_maps("ours,folium")
