"""The zoo draws every activation, and the catalog table in docs/ is current."""
from pathlib import Path

import numpy as np
import pytest

from minigrad import activations, zoo
from minigrad.__main__ import main
from minigrad.activations import table

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", activations.names())
def test_every_activation_has_finite_curves(name):
    x, lines = zoo.curves(activations.get(name))
    assert lines
    for y, _, _ in lines:
        assert y.shape == x.shape and np.all(np.isfinite(y)), name


def test_docs_table_is_current():
    committed = (ROOT / "docs" / "activations.md").read_text()
    assert committed == table.markdown(), "regenerate it: python -m minigrad zoo --table docs/activations.md"


def test_table_lists_every_activation_once():
    text = table.markdown()
    for name in activations.names():
        assert text.count(f"| `{name}`") == 1, name


def test_cli_draws_a_family(tmp_path):
    assert main(["zoo", "--out", str(tmp_path), "--family", "relu", "--quiet"]) == 0
    assert (tmp_path / "relu.png").stat().st_size > 10_000


def test_unknown_family_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown families \\['relus'\\]; the families are"):
        zoo.draw(tmp_path, ["relus"], progress=False)
    assert main(["zoo", "--out", str(tmp_path), "--family", "relus", "--quiet"]) == 2  # the command says so
