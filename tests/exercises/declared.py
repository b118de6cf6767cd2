"""What the exercise tests compare with: the catalog's declarations, evaluated in float64 on NumPy arrays."""
import numpy as np

from minigrad import activations
from minigrad.activations.mathops import ArrayMath


def declared(name: str, form: str, x: np.ndarray, **params) -> np.ndarray:
    """The declaration of `name`: form "f" (the function), "df" (d/dx) or a parameter's name (d/dparameter,
    stacked along a last axis for a coefficient vector), at float64 x."""
    spec = activations.get(name)
    x = np.asarray(x, dtype=np.float64)
    formula = {"f": spec.f, "df": spec.df}.get(form) or spec.dparams[form]
    value = formula(ArrayMath(np, np.float64), x, **spec.bind(params))
    if isinstance(value, list):
        return np.stack(np.broadcast_arrays(x, *value)[1:], axis=-1)
    return np.broadcast_to(value, x.shape)
