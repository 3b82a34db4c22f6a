"""Twin of plugins/recommendation/backbones/event-stem.ts and the inputs every event encoder reads."""
import torch
from torch import nn

from common import gelu, generator

# backbones/event-encoder.ts: exampleInput draws item ids from a catalogue of 64.
EXAMPLE_ITEMS = 64


class EventStem(nn.Module):
    """Per-event features -> model width by a small MLP (no item-id lookup), then dropout."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.event_in = nn.Linear(cfg["features"], cfg["width"])
        self.event_proj = nn.Linear(cfg["width"], cfg["width"])
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, events: torch.Tensor) -> torch.Tensor:
        return self.event_proj(gelu(self.event_in(events)))


def example_events(cfg: dict, batch: int, seed: int) -> dict:
    """Left-padded histories of random length, features uniform in [0, 1), as exampleInput makes them."""
    g = generator(seed)
    T, F = cfg["contextLength"], cfg["features"]
    lengths = torch.randint(1, T + 1, (batch, 1), generator=g)
    mask = (torch.arange(T).view(1, T) >= T - lengths).float()
    events = torch.rand(batch, T, F, generator=g) * mask.unsqueeze(-1)
    items = torch.randint(0, EXAMPLE_ITEMS, (batch, T), generator=g) * mask.long()
    return {"events": events, "mask": mask, "items": items}


def last_state(states: torch.Tensor) -> torch.Tensor:
    """The encoding: the state after the most recent event (histories are left-padded)."""
    return states[:, -1]
