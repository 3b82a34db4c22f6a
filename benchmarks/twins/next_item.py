"""Twin of plugins/recommendation/heads/next-item-head.ts (NextItemScorer, single-softmax path).

logit(j) = u.out_j + bias_j + sum_c gate_c(h) * feature_c(j), u = W h + attention readout of the
history's item embeddings; the sparse features (transitions of the last two items, repeats,
co-occurrence of the last 8) are summed into [B, items] by one scatter_add, as tfjs does with one
scatterND. The catalogue statistics are buffers (tfjs: non-trainable weights); the benchmark, like
headstart's, leaves them at zero, so the same kernels run on the same shapes.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from common import generator

# layers/next-item-scorer.ts: CANDIDATE_FEATURE_NAMES has 6 entries; NEIGHBOUR_STEPS = 8.
FEATURES = 6
NEIGHBOUR_STEPS = 8


def glorot(rows: int, cols: int) -> nn.Parameter:
    limit = math.sqrt(6 / (rows + cols))
    return nn.Parameter(torch.empty(rows, cols).uniform_(-limit, limit))


class NextItemHead(nn.Module):
    """`options`: the tfjs scorer layer's getConfig() (itemDim, successors, neighbours, mixture, ...)."""

    def __init__(self, embedding: int, items: int, options: dict):
        super().__init__()
        # The benchmark's head uses NEXT_ITEM_DEFAULTS; the other scoring paths have no twin yet.
        unsupported = [k for k in ("mixture", "twoHop", "countingShare", "idDropout") if options.get(k)]
        if unsupported:
            raise ValueError(f"the twin has the single-softmax path without id dropout only; {unsupported} are not twinned")
        d, N, E = embedding, items, options["itemDim"]
        K, M = options["successors"], options["neighbours"]
        self.items, self.item_dim, self.neighbours = N, E, M
        self.gate = nn.Linear(d, FEATURES)
        self.user = nn.Linear(d, E)
        self.query = nn.Linear(d, E)
        self.item_in = nn.Parameter(torch.randn(N, E) * 0.02)
        self.item_out = nn.Parameter(torch.randn(N, E) * 0.02)
        self.item_bias = nn.Parameter(torch.zeros(N))
        for name, shape in [("counts", [N]), ("successor_ids", [N, K]), ("successor_counts", [N, K]), ("outgoing", [N])]:
            self.register_buffer(f"stat_{name}", torch.zeros(shape))
        if M > 0:
            self.neighbour_gate = nn.Linear(d, 1)
            for name, shape in [("neighbour_ids", [N, M]), ("neighbour_weights", [N, M]), ("neighbour_totals", [N])]:
                self.register_buffer(f"stat_{name}", torch.zeros(shape))

    def successors(self, ids, valid, at, held, is_held, correct):
        item, ok = ids[:, at], valid[:, at : at + 1]
        succ = self.stat_successor_ids[item].long()
        cnt = self.stat_successor_counts[item]
        out = self.stat_outgoing[item].unsqueeze(1)
        if correct:
            cnt = cnt - ((succ == held.unsqueeze(1)) & (cnt > 0)).float()
            out = torch.relu(out - is_held.unsqueeze(1))
        return succ, cnt, cnt / out.clamp(min=1), ok

    def forward(self, hidden: torch.Tensor, x: dict) -> torch.Tensor:
        items, mask = x["items"], x["mask"]
        B, T = items.shape
        N = self.items
        in_catalogue = (items >= 0) & (items < N)
        valid = mask * in_catalogue.float()
        ids = torch.where(in_catalogue, items, torch.zeros_like(items))
        held = torch.full((B,), -1, dtype=torch.long)  # the benchmark's batches hold no target out
        is_held = (held >= 0).float()

        e = self.item_in[ids]
        q = self.query(hidden)
        att = (e * q.unsqueeze(1)).sum(-1) / math.sqrt(self.item_dim) + (valid - 1) * 1e9
        any_valid = (valid.sum(1, keepdim=True) > 0).float()
        u = self.user(hidden) + (att.softmax(-1).unsqueeze(-1) * e).sum(1) * any_valid
        g = self.gate(hidden)

        counts = self.stat_counts
        log_max = torch.log1p(counts.max().clamp(min=1))
        popularity = torch.log1p(counts) / log_max
        logits = u @ self.item_out.t() + self.item_bias + g[:, 0:1] * popularity

        succ, cnt, prob, ok = self.successors(ids, valid, T - 1, held, is_held, True)
        cols, vals = [succ], [(g[:, 1:2] * prob + g[:, 2:3] * torch.log1p(cnt)) * ok]
        recency = 1 / (T - torch.arange(T, dtype=torch.float32)).view(1, T)
        cols.append(ids)
        vals.append((g[:, 4:5] + g[:, 5:6] * recency) * valid)
        held_ids = torch.where(held >= 0, held, torch.zeros_like(held))
        held_count = counts[held_ids]
        pop_delta = (torch.log1p(torch.relu(held_count - 1)) - torch.log1p(held_count)) / log_max * is_held
        cols.append(held_ids.unsqueeze(1))
        vals.append((g[:, 0] * pop_delta).unsqueeze(1))
        if T >= 2:
            succ2, _, prob2, ok2 = self.successors(ids, valid, T - 2, held, is_held, False)
            cols.append(succ2)
            vals.append(g[:, 3:4] * prob2 * ok2)
        if self.neighbours > 0:
            D = min(NEIGHBOUR_STEPS, T)
            step_ids, step_valid = ids[:, T - D :], valid[:, T - D :]
            near = self.stat_neighbour_ids[step_ids].long()
            w = self.stat_neighbour_weights[step_ids]
            total = self.stat_neighbour_totals[step_ids]
            own = 1 / (D - torch.arange(D, dtype=torch.float32)).view(1, D)
            hit = ((near == held.view(B, 1, 1)) & (w > 0)).float()
            w = torch.relu(w - hit * own.unsqueeze(2))
            total = torch.relu(total - own * is_held.view(B, 1))
            scale = own / total.clamp(min=1) * step_valid
            cols.append(near.reshape(B, -1))
            vals.append((w * scale.unsqueeze(2) * self.neighbour_gate(hidden).view(B, 1, 1)).reshape(B, -1))
        sparse = torch.zeros(B, N).scatter_add(1, torch.cat(cols, 1), torch.cat(vals, 1))
        return logits + sparse

    def example_target(self, batch: int, seed: int) -> torch.Tensor:
        return torch.randint(0, self.items, (batch,), generator=generator(seed))

    @staticmethod
    def loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(prediction, target)
