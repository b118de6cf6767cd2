"""The KAN benchmark compares like with like: an MLP of the KAN's parameter count, timed on the same batch."""
import pytest

from minigrad.bench import kan
from minigrad.nn.kan import KAN


@pytest.mark.parametrize("width", [(2, 5, 1), (64, 64, 10), (3, 4, 4, 2)])
def test_the_mlp_has_the_parameter_count_closest_to_the_kans(width):
    target = KAN(width, grid=5, k=3).num_parameters()
    sizes = kan.matching_mlp(width, target)
    assert len(sizes) == len(width) and sizes[0] == width[0] and sizes[-1] == width[-1]
    assert len(set(sizes[1:-1])) == 1
    hidden = sizes[1]
    for other in (hidden - 1, hidden + 1):
        others = [width[0]] + [other] * (len(width) - 2) + [width[-1]]
        assert abs(kan.mlp_parameters(sizes) - target) <= abs(kan.mlp_parameters(others) - target)


def test_run_and_report_give_both_timings_and_their_ratio():
    rows = kan.run(cases=[((2, 3, 1), 16)], grid=3, k=3, repeats=5)
    (row,) = rows
    assert row["kan_parameters"] == (2 * 3 + 3) * 8 and row["mlp_sizes"] == [2, 18, 1]
    assert row["kan"].median > 0 and row["mlp"].median > 0
    table = kan.report(rows)
    assert "| [2, 3, 1] | 3 | 3 | 16 | 72 | [2, 18, 1] | 73 |" in table
    assert f"{row['kan'].median / row['mlp'].median:.2f}x" in table
