"""The streaming-stores benchmark runs its processes end to end and reports both variants (timings are not tested)."""
import pytest

from minigrad.__main__ import main
from minigrad.bench import stream


def test_cli_times_both_variants_in_processes_of_their_own(capsys):
    assert main(["bench", "stream", "--log2-sizes", "10", "--alternations", "1", "--quiet"]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("| relu | 2^10 | 4 KiB |"))
    assert row.count("->") == len(stream.MEASURES) and row.count("x)") == len(stream.MEASURES)


def test_a_kernel_that_never_streams_is_refused(capsys):
    assert main(["bench", "stream", "--only", "sigmoid", "--quiet"]) == 2
    assert "sigmoid's kernels never stream" in capsys.readouterr().err


def test_table_gives_ranges_over_runs_and_the_ratio_of_medians():
    ms = {m: 1.0 for m in stream.MEASURES}
    results = [stream.Result("relu", 24, "plain", {**ms, "forward": 6.0}),
               stream.Result("relu", 24, "plain", {**ms, "forward": 6.2}),
               stream.Result("relu", 24, "streaming", {**ms, "forward": 3.0}),
               stream.Result("relu", 24, "streaming", {**ms, "forward": 3.2})]
    row = stream.markdown(results).splitlines()[-1]
    assert row.startswith("| relu | 2^24 | 64 MiB | 6.00-6.20 -> 3.00-3.20 (1.97x) | 1.00 -> 1.00 (1.00x) |")


def test_a_failing_measurement_says_which_process_failed():
    with pytest.raises(RuntimeError, match="the measuring process failed"):
        stream._child("relu", 10, "no-such-variant")
