"""Twin of plugins/recommendation/backbones/sasrec-network.ts (pre-norm causal self-attention)."""
import math

import torch
from torch import nn

from common import gelu
from event_stem import EventStem, example_events, last_state


class CausalSelfAttention(nn.Module):
    """Separate q, k, v, output projections (as layers/causal-attention.ts); padded keys and queries masked."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.output = (nn.Linear(width, width) for _ in range(4))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        B, T, d = x.shape
        h, dh = self.heads, d // self.heads
        split = lambda t: t.view(B, T, h, dh).transpose(1, 2)  # [B, h, T, dh]
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        allowed = torch.ones(T, T).tril().view(1, 1, T, T) * mask.view(B, 1, 1, T)
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh) + (1 - allowed) * -1e9
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, d)
        return self.output(context) * mask.unsqueeze(-1)


class Block(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        w = cfg["width"]
        self.ln_att = nn.LayerNorm(w, eps=1e-5)
        self.attention = CausalSelfAttention(w, cfg["heads"])
        self.ln_ffn = nn.LayerNorm(w, eps=1e-5)
        self.ffn_in = nn.Linear(w, cfg["ffn"])
        self.ffn_out = nn.Linear(cfg["ffn"], w)
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = h + self.dropout(self.attention(self.ln_att(h), mask))
        h = h + self.dropout(self.ffn_out(gelu(self.ffn_in(self.ln_ffn(h)))))
        return h * mask.unsqueeze(-1)


class Sasrec(nn.Module):
    """[events, mask] -> encoding [B, width] (the last step's state)."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.cfg = cfg
        self.stem = EventStem(cfg)
        self.positions = nn.Parameter(torch.randn(cfg["contextLength"], cfg["width"]) * 0.02)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg["blocks"]))
        self.ln_out = nn.LayerNorm(cfg["width"], eps=1e-5)

    def forward(self, x: dict) -> torch.Tensor:
        mask = x["mask"]
        T = mask.shape[1]
        h = self.stem(x["events"]) + self.positions[-T:]
        h = self.stem.dropout(h) * mask.unsqueeze(-1)
        for block in self.blocks:
            h = block(h, mask)
        return last_state(self.ln_out(h))

    def example_input(self, batch: int, seed: int) -> dict:
        return example_events(self.cfg, batch, seed)
