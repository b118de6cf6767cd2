"""The activations benchmark runs end to end and writes its table, CSV and plot (timings are not tested)."""
import numpy as np
import pytest

from minigrad.__main__ import main
from minigrad.bench import activations as bench


def test_cli_writes_table_csv_and_plot(tmp_path, capsys):
    argv = ["bench", "activations", "--only", "relu", "--only", "prelu", "--log2-size", "10", "--repeats", "2",
            "--quiet", "--out", str(tmp_path)]
    assert main(argv) == 0
    table = (tmp_path / "table.md").read_text()
    assert "| relu | forward |" in table and "| prelu | backward |" in table and "numba/numpy forward" in table
    assert "| prelu | parameters |" in table and "| relu | parameters |" not in table
    rows = (tmp_path / "table.csv").read_text().splitlines()
    assert rows[0] == "activation,direction,backend,seconds,elements_per_s,gb_per_s" and len(rows) >= 9
    assert (tmp_path / "throughput.png").stat().st_size > 10_000
    assert "wrote" in capsys.readouterr().out


def test_unknown_activation_is_refused_before_timing(capsys):
    assert main(["bench", "activations", "--only", "gelu2"]) == 2
    assert "unknown activation 'gelu2'; did you mean gelu" in capsys.readouterr().err
    assert main(["bench", "stream", "--only", "gelu2"]) == 2
    assert "unknown activation 'gelu2'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, expected", [
    (["activations", "--log2-size", "3"], "from 4 to 30 (2^N elements), got '3'"),
    (["activations", "--log2-size", "40"], "from 4 to 30 (2^N elements), got '40'"),
    (["stream", "--log2-sizes", "x"], "from 4 to 30 (2^N elements), got 'x'"),
    (["siren", "--sizes", "100000"], "from 8 to 1024 (pixels per side), got '100000'")])
def test_a_size_out_of_range_is_refused_by_the_parser(argv, expected, capsys):
    with pytest.raises(SystemExit):
        main(["bench", *argv])
    assert f"expected an integer {expected}" in capsys.readouterr().err


def test_summary_is_a_geometric_mean_of_speedups():
    rows = [bench.Row("a", "forward", {"numpy": 4.0, "numba": 1.0}), bench.Row("b", "forward", {"numpy": 1.0,
                                                                                                "numba": 1.0})]
    assert bench.summary(rows)["numba/numpy forward"] == pytest.approx(2.0)


def test_the_copy_that_measures_memory_speed_copies_on_one_core_and_over_all():
    from minigrad.backends.numba_runtime import PARALLEL_FROM

    copy = bench.copy_kernel()
    for n in (5, PARALLEL_FROM + 3):  # the plain loop, and the parallel driver that cuts the array into parts
        src = np.arange(n, dtype=np.float32)
        dst = np.zeros_like(src)
        copy(src, dst)
        np.testing.assert_array_equal(dst, src)
