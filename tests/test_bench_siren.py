"""The SIREN benchmark times real training steps and reports them as a Markdown table."""
from minigrad.bench import siren


def test_a_step_trains_the_siren():
    step = siren.siren_step(16, hidden_features=16, hidden_layers=1)
    first = step()
    for _ in range(30):
        last = step()
    assert last < first


def test_run_and_report():
    timings = siren.run(sizes=(8, 12), repeats=2, hidden_features=8, hidden_layers=1, backend_names=("numpy",))
    assert set(timings) == {(8, "numpy"), (12, "numpy")}
    assert all(t.median > 0 and t.repeats == 2 for t in timings.values())
    table = siren.report(timings, hidden_features=8, hidden_layers=1)
    assert "SIREN 2-8-8-1" in table and "| 8x8 | numpy |" in table and "| 12x12 | numpy |" in table
    assert f"| {1 / timings[8, 'numpy'].median:.2f} |" in table
