"""Interleaved sampling, shared by the benches: every row once per round, in a random order, so a
floor and its subjects see the same machine at the same moments."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Iterable


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def summary(samples: list[tuple[float, float]]) -> dict:
    """(client ms, server ms) samples → p50 and p95 of the client, p50 of the server."""
    client = [c for c, _s in samples]
    return {
        "p50_ms": round(statistics.median(client), 2),
        "p95_ms": round(percentile(client, 0.95), 2),
        "server_p50_ms": round(statistics.median(s for _c, s in samples), 2),
        "requests": len(samples),
    }


def interleaved(
    keys: Iterable[str],
    get: Callable[[str, int], tuple[float, float]],
    *,
    rounds: int,
    warmup: int = 3,
    seed: int = 7,
) -> dict[str, dict]:
    """``get(key, round_no)`` for every key in every round (warm-up rounds not kept) → ``summary``."""
    keys = list(keys)
    rng = random.Random(seed)
    samples: dict[str, list[tuple[float, float]]] = {key: [] for key in keys}
    for round_no in range(-warmup, rounds):
        order = keys[:]
        rng.shuffle(order)
        for key in order:
            sample = get(key, round_no)
            if round_no >= 0:
                samples[key].append(sample)
    return {key: summary(values) for key, values in samples.items()}
