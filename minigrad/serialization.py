"""Save and load named tensors (a state_dict) as a NumPy .npz file: portable and readable without minigrad."""
from __future__ import annotations

import os
from typing import Mapping

import numpy as np

from minigrad.tensor import Tensor


def save(state: Mapping[str, Tensor | np.ndarray], path: str | os.PathLike) -> None:
    """Write a mapping of names to tensors or arrays to `path` (.npz)."""
    arrays = {name: np.asarray(value.detach().numpy() if isinstance(value, Tensor) else value)
              for name, value in state.items()}
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load(path: str | os.PathLike) -> dict[str, Tensor]:
    """Read what `save` wrote: a dict of names to tensors, in the saved order."""
    with np.load(path, allow_pickle=False) as archive:
        return {name: Tensor(archive[name]) for name in archive.files}
