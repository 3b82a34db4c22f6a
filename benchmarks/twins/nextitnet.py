"""Twin of plugins/recommendation/backbones/nextitnet-network.ts (dilated causal convolutions)."""
import torch
import torch.nn.functional as F
from torch import nn

from event_stem import EventStem, example_events, last_state


class CausalConv(nn.Module):
    """nn.Conv1d with left padding (k - 1) * dilation: what headstart writes as im2col + one matMul."""

    def __init__(self, width: int, kernel: int, dilation: int):
        super().__init__()
        self.pad = (kernel - 1) * dilation
        self.conv = nn.Conv1d(width, width, kernel, dilation=dilation)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = (x * mask.unsqueeze(-1)).transpose(1, 2)  # [B, d, T]
        return self.conv(F.pad(x, (self.pad, 0))).transpose(1, 2)


class Block(nn.Module):
    def __init__(self, cfg: dict, b: int):
        super().__init__()
        w, k = cfg["width"], cfg["kernelSize"]
        self.ln_1 = nn.LayerNorm(w, eps=1e-5)
        self.conv_1 = CausalConv(w, k, 2 ** (2 * b))
        self.ln_2 = nn.LayerNorm(w, eps=1e-5)
        self.conv_2 = CausalConv(w, k, 2 ** (2 * b + 1))
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        f = torch.relu(self.conv_1(self.ln_1(h), mask))
        f = self.conv_2(self.ln_2(f), mask)
        return (h + self.dropout(f)) * mask.unsqueeze(-1)


class Nextitnet(nn.Module):
    """[events, mask] -> encoding [B, width] (the last step's state)."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.cfg = cfg
        self.stem = EventStem(cfg)
        self.blocks = nn.ModuleList(Block(cfg, b) for b in range(cfg["blocks"]))
        self.ln_out = nn.LayerNorm(cfg["width"], eps=1e-5)

    def forward(self, x: dict) -> torch.Tensor:
        mask = x["mask"]
        h = self.stem.dropout(self.stem(x["events"])) * mask.unsqueeze(-1)
        for block in self.blocks:
            h = block(h, mask)
        return last_state(self.ln_out(h))

    def example_input(self, batch: int, seed: int) -> dict:
        return example_events(self.cfg, batch, seed)
