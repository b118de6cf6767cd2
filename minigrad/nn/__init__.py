"""minigrad.nn: layers, models, losses and initialisers, with torch.nn's names.

    import minigrad as mg
    from minigrad import nn

    model = nn.MLP([2, 16, 1], activation="tanh")
    loss = nn.MSELoss()(model(mg.randn(8, 2)), mg.zeros(8, 1))
    loss.backward()
"""
from minigrad import functional
from minigrad.nn import init
from minigrad.nn.activation import Activation, ReLU, Sigmoid, Tanh, resolve
from minigrad.nn.encoding import FourierFeatures, PositionalEncoding
from minigrad.nn.fourier_activation import FourierActivation
from minigrad.nn.gabor import GaborLayer
from minigrad.nn.kan import KAN, KANLayer
from minigrad.nn.kan_plot import edge_functions, plot_edges
from minigrad.nn.learnable import (AGLU, APA, PAU, XATLU, XGELU, MixedActivation, PReLU, Snake, XSiLU,
                                   rational_fit)
from minigrad.nn.container import ModuleList, Sequential
from minigrad.nn.linear import Identity, Linear
from minigrad.nn.losses import BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss
from minigrad.nn.mlp import MLP
from minigrad.nn.module import IncompatibleKeys, Module
from minigrad.nn.parameter import Parameter
from minigrad.nn.siren import SineLayer, Siren

__all__ = [
    "FourierActivation", "FourierFeatures", "GaborLayer", "PositionalEncoding", "SineLayer", "Siren",
    "KAN", "KANLayer", "edge_functions", "plot_edges", "AGLU", "APA", "MixedActivation", "PAU", "PReLU", "Snake", "XATLU", "XGELU", "XSiLU", "rational_fit",
    "Activation", "BCEWithLogitsLoss", "CrossEntropyLoss", "HuberLoss", "Identity", "IncompatibleKeys", "L1Loss",
    "Linear", "MLP", "MSELoss", "Module", "ModuleList", "Parameter", "ReLU", "Sequential", "Sigmoid", "Tanh",
    "functional", "init", "resolve",
]
