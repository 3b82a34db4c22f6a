"""Pieces every PyTorch twin shares: headstart's activation, parameter counts, seeded inputs.

The twins are written the way a PyTorch author would write these architectures (nn.Linear,
nn.LayerNorm, nn.Conv1d, F.scaled-free attention by matmul), with the same shapes and parameter
counts as headstart's tfjs networks, so a throughput ratio compares frameworks, not models.
"""
import torch
from torch import nn


def gelu(x: torch.Tensor) -> torch.Tensor:
    """headstart's gelu: the sigmoid approximation x * sigmoid(1.702 x) (core/nn/activations.ts)."""
    return x * torch.sigmoid(1.702 * x)


def count(module: nn.Module) -> dict:
    """Trainable parameters and non-trainable state (buffers: tfjs's non-trainable weights)."""
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in module.parameters() if not p.requires_grad)
    buffers = sum(b.numel() for b in module.buffers())
    return {"trainable": trainable, "nonTrainable": frozen + buffers}


def generator(seed: int) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(seed)
    return g
