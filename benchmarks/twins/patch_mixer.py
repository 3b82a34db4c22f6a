"""Twin of plugins/forecasting/backbones/patch-mixer-network.ts and its linear-forecast head."""
import torch
from torch import nn

from common import gelu, generator

# plugins/forecasting/data/period.ts: PERIOD_VALUES = [1, 4, 7, 12, 24, 52] plus a catch-all bucket.
PERIOD_VALUES = [1, 4, 7, 12, 24, 52]
PERIOD_BUCKETS = len(PERIOD_VALUES) + 1


class MixerBlock(nn.Module):
    def __init__(self, tokens: int, width: int, token_hidden: int, channel_hidden: int):
        super().__init__()
        self.ln_tok = nn.LayerNorm(width, eps=1e-5)
        self.tok_in = nn.Linear(tokens, token_hidden)
        self.tok_out = nn.Linear(token_hidden, tokens)
        self.ln_ch = nn.LayerNorm(width, eps=1e-5)
        self.ch_in = nn.Linear(width, channel_hidden)
        self.ch_out = nn.Linear(channel_hidden, width)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        t = self.ln_tok(h).transpose(1, 2)  # an MLP across tokens, shared over the width
        h = h + self.tok_out(gelu(self.tok_in(t))).transpose(1, 2)
        return h + self.ch_out(gelu(self.ch_in(self.ln_ch(h))))


class PatchMixer(nn.Module):
    """[context, mask, period one-hot] -> flat encoding [B, (patches + 1) * width]."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.patch = cfg["patchLength"]
        self.patches = cfg["contextLength"] // self.patch
        width = cfg["width"]
        self.patch_embed = nn.Linear(2 * self.patch, width)
        self.period_embed = nn.Linear(PERIOD_BUCKETS, width)
        self.positions = nn.Parameter(torch.randn(self.patches + 1, width) * 0.02)
        self.blocks = nn.ModuleList(
            MixerBlock(self.patches + 1, width, cfg["tokenHidden"], cfg["channelHidden"]) for _ in range(cfg["blocks"])
        )
        self.ln_out = nn.LayerNorm(width, eps=1e-5)

    def forward(self, x: dict) -> torch.Tensor:
        B = x["context"].shape[0]
        values = x["context"].view(B, self.patches, self.patch)
        mask = x["mask"].view(B, self.patches, self.patch)
        h = self.patch_embed(torch.cat([values, mask], -1))
        h = torch.cat([self.period_embed(x["period"]).unsqueeze(1), h], 1) + self.positions
        for block in self.blocks:
            h = block(h)
        return self.ln_out(h).flatten(1)

    def example_input(self, batch: int, seed: int) -> dict:
        g = generator(seed)
        L = self.patches * self.patch
        context = torch.randn(batch, L, generator=g).cumsum(1)
        observed = torch.randint(8, L + 1, (batch, 1), generator=g)
        mask = (torch.arange(L).view(1, L) >= L - observed).float()
        period = torch.zeros(batch, PERIOD_BUCKETS)
        period[torch.arange(batch), (seed + torch.arange(batch)) % PERIOD_BUCKETS] = 1
        return {"context": context * mask, "mask": mask, "period": period}


def season_indices(context_length: int, horizon: int) -> torch.Tensor:
    """plugins/forecasting/heads/seasonal-anchor.ts: each bucket's season over the horizon, bucket-major."""
    out = []
    for p in PERIOD_VALUES + [1]:
        lag = min(p, context_length)
        out += [context_length - lag + (h % lag) for h in range(horizon)]
    return torch.tensor(out, dtype=torch.long)


class LinearForecastHead(nn.Module):
    """Seasonal-naive anchor + one linear map from the flat encoding to the horizon; MAE loss."""

    def __init__(self, embedding: int, horizon: int, context_length: int):
        super().__init__()
        self.horizon = horizon
        self.forecast = nn.Linear(embedding, horizon)
        # A constant, not state: tfjs closes over the same indices (no weight), so no buffer here either.
        self.idx = season_indices(context_length, horizon)

    def anchor(self, x: dict) -> torch.Tensor:
        context, mask, period = x["context"], x["mask"], x["period"]
        B, L = context.shape
        seasonal = context[:, self.idx].view(B, PERIOD_BUCKETS, self.horizon)
        seen = mask[:, self.idx].view(B, PERIOD_BUCKETS, self.horizon)
        last = context[:, L - 1 :].view(B, 1, 1)
        filled = seen * seasonal + (1 - seen) * last
        return (filled * period.view(B, PERIOD_BUCKETS, 1)).sum(1)

    def forward(self, hidden: torch.Tensor, x: dict) -> torch.Tensor:
        return self.anchor(x) + self.forecast(hidden)

    def example_target(self, batch: int, seed: int) -> torch.Tensor:
        return torch.randn(batch, self.horizon, generator=generator(seed))

    @staticmethod
    def loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return (prediction - target).abs().mean()
