"""Training the heads from the labelled sentences shipped with the package (``servicescape voice train``).

``data/seeds/*.jsonl`` train; ``data/dev/*.jsonl`` (kept apart) choose the regularisation, the
neutral bias and the per-dimension thresholds. Each line: ``{"text", "lang", "sentiment",
"dimension"}`` plus an optional ``"dimensions"`` list. Every setting is chosen on the development
set with the heads fitted on the seeds; the shipped model is then fitted on both with those settings.
Everything is deterministic: the same vectors give the same model (full-batch gradient descent from
zeros, fixed grids). The sentences' e5 vectors are kept beside the model (``data/vectors.npz``, by
text hash): retraining embeds only the sentences that are new or changed, and gives the shipped model
back exactly from the shipped sentences, where embedding every sentence again (minutes) gives a model
that may differ in its last bits and so in a grid choice, since the embedding engine's arithmetic
differs a little between processors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from servicescape.voice.engine import DIM, DIMENSIONS, LANGUAGES, SENTIMENTS, Model, embed, sigmoid, softmax, text_hash

REGULARISATION = (1e-4, 1e-3, 3e-3, 1e-2)
NEIGHBOURS = (5, 10, 20)
TEMPERATURES = (0.03, 0.05, 0.1)
BLENDS = (0.0, 0.3, 0.5, 0.7)
NEUTRAL_BIASES = tuple(round(x, 2) for x in np.arange(-1.5, 1.51, 0.1))
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.1, 0.91, 0.05))


@dataclass(frozen=True)
class Labelled:
    text: str
    lang: str
    sentiment: str
    dimension: str
    dimensions: tuple[str, ...]
    line: int
    id: str | None = None


class BadLabelledLine(ValueError):
    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}, line {line}: {message}")
        self.line = line


def parse_labelled(lines: Iterable[str], source: str = "input") -> tuple[list[Labelled], list[BadLabelledLine]]:
    """The good lines and an error for each bad one (named by its line number)."""
    good: list[Labelled] = []
    bad: list[BadLabelledLine] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            good.append(_labelled(json.loads(raw), number))
        except json.JSONDecodeError as exc:
            bad.append(BadLabelledLine(source, number, f"not JSON ({exc.msg})"))
        except ValueError as exc:
            bad.append(BadLabelledLine(source, number, str(exc)))
    return good, bad


def _labelled(row: Any, number: int) -> Labelled:
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' is missing or empty")
    lang, sentiment, dimension = row.get("lang"), row.get("sentiment"), row.get("dimension")
    if lang not in LANGUAGES:
        raise ValueError(f"'lang' must be one of {', '.join(LANGUAGES)}")
    if sentiment not in SENTIMENTS:
        raise ValueError(f"'sentiment' must be one of {', '.join(SENTIMENTS)}")
    if dimension not in DIMENSIONS:
        raise ValueError(f"'dimension' must be one of {', '.join(DIMENSIONS)}")
    extra = row.get("dimensions") or [dimension]
    if not isinstance(extra, list) or any(d not in DIMENSIONS for d in extra):
        raise ValueError(f"'dimensions' must list some of {', '.join(DIMENSIONS)}")
    dimensions = (dimension, *(d for d in dict.fromkeys(extra) if d != dimension))
    ident = row.get("id")
    return Labelled(text.strip(), lang, sentiment, dimension, dimensions, number,
                    str(ident) if ident is not None else None)


def packaged(folder: str) -> list[Labelled]:
    """The labelled lines of ``data/<folder>/*.jsonl`` in the package, in file-name order."""
    rows: list[Labelled] = []
    base = resources.files("servicescape.voice") / "data" / folder
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonl"):
            good, bad = parse_labelled(entry.read_text(encoding="utf-8").splitlines(), entry.name)
            if bad:
                raise bad[0]
            rows.extend(good)
    return rows


# -- fitting -------------------------------------------------------------------------------------------


def _fit_softmax(x: np.ndarray, y: np.ndarray, classes: int, l2: float, steps: int = 600) -> tuple[np.ndarray,
                                                                                                     np.ndarray]:
    """Multinomial logistic regression, balanced class weights, L2, full-batch gradient descent with
    Nesterov momentum from zeros."""
    n = len(y)
    onehot = np.eye(classes)[y]
    counts = np.maximum(onehot.sum(axis=0), 1)
    weights = (n / (classes * counts))[y][:, None]
    w = np.zeros((classes, x.shape[1]))
    b = np.zeros(classes)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    rate, momentum = 2.0, 0.9
    for _ in range(steps):
        lw, lb = w + momentum * vw, b + momentum * vb
        error = (softmax(x @ lw.T + lb) - onehot) * weights / n
        gw = error.T @ x + l2 * lw
        gb = error.sum(axis=0)
        vw = momentum * vw - rate * gw
        vb = momentum * vb - rate * gb
        w, b = w + vw, b + vb
    return w, b


def _fit_sigmoids(x: np.ndarray, targets: np.ndarray, l2: float, steps: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per column of ``targets`` (balanced weights), as for the softmax."""
    n, k = targets.shape
    positives = np.maximum(targets.sum(axis=0), 1)
    negatives = np.maximum(n - targets.sum(axis=0), 1)
    weights = np.where(targets == 1, n / (2 * positives), n / (2 * negatives))
    w = np.zeros((k, x.shape[1]))
    b = np.zeros(k)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    rate, momentum = 2.0, 0.9
    for _ in range(steps):
        lw, lb = w + momentum * vw, b + momentum * vb
        error = (sigmoid(x @ lw.T + lb) - targets) * weights / n
        gw = error.T @ x + l2 * lw
        gb = error.sum(axis=0)
        vw = momentum * vw - rate * gw
        vb = momentum * vb - rate * gb
        w, b = w + vw, b + vb
    return w, b


def _targets(rows: Sequence[Labelled]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sentiment = np.array([SENTIMENTS.index(r.sentiment) for r in rows])
    primary = np.array([DIMENSIONS.index(r.dimension) for r in rows])
    multi = np.zeros((len(rows), len(DIMENSIONS)))
    for i, row in enumerate(rows):
        for d in row.dimensions:
            multi[i, DIMENSIONS.index(d)] = 1
    return sentiment, primary, multi


def _means(vectors: np.ndarray, rows: Sequence[Labelled]) -> np.ndarray:
    means = np.zeros((len(LANGUAGES), DIM))
    overall = vectors.mean(axis=0)
    for i, code in enumerate(LANGUAGES):
        mine = [j for j, r in enumerate(rows) if r.lang == code]
        means[i] = vectors[mine].mean(axis=0) if mine else overall
    return means


@dataclass(frozen=True)
class TrainingReport:
    seeds: int
    dev: int
    l2: float
    neutral_bias: float
    neighbours: int
    temperature: float
    sentiment_blend: float
    dimension_blend: float
    dev_sentiment: float
    dev_dimension: float
    thresholds: dict[str, float]


def _model(seeds: Sequence[Labelled], vectors: np.ndarray, l2: float, **tuned: Any) -> Model:
    """Means, heads and the neighbours' memory fitted on ``seeds``; the rest as ``tuned`` says."""
    means = _means(vectors, seeds)
    blank = Model(LANGUAGES, means, np.zeros((3, DIM)), np.zeros(3), 0.0, np.zeros((6, DIM)), np.zeros(6),
                  np.full(6, 0.5))
    x = blank.centre(vectors, [r.lang for r in seeds])
    ys, yp, ym = _targets(seeds)
    sw, sb = _fit_softmax(x, ys, 3, l2)
    dw, db = _fit_sigmoids(x, ym, l2)
    return Model(LANGUAGES, means, sw, sb, tuned.pop("neutral_bias", 0.0), dw, db,
                 tuned.pop("thresholds", np.full(6, 0.5)), memory=x.astype(np.float16),
                 memory_sentiment=ys.astype(np.int8), memory_dimension=yp.astype(np.int8), **tuned)


def train(seeds: Sequence[Labelled], dev: Sequence[Labelled], *,
          seed_vectors: np.ndarray | None = None, dev_vectors: np.ndarray | None = None) -> tuple[Model,
                                                                                                   TrainingReport]:
    """Fit on ``seeds``, choose every setting on ``dev`` (the regularisation, the neighbours' vote, the
    neutral bias, the thresholds), then fit the final model on both with those settings. Vectors are
    embedded when not given."""
    if not seeds or not dev:
        raise ValueError("training needs seed lines and development lines")
    sv = np.asarray(seed_vectors if seed_vectors is not None else embed([r.text for r in seeds]), dtype=np.float64)
    dv = np.asarray(dev_vectors if dev_vectors is not None else embed([r.text for r in dev]), dtype=np.float64)
    ds, dp, dm = _targets(dev)

    def accuracy(model: Model) -> tuple[float, float]:
        xd = model.centre(dv, [r.lang for r in dev])
        sentiments, _scores = model.sentiment(xd)
        primary, _labels = model.dimensions(xd)
        return (float(np.mean([SENTIMENTS.index(s) == t for s, t in zip(sentiments, ds, strict=True)])),
                float(np.mean([DIMENSIONS.index(p) == t for p, t in zip(primary, dp, strict=True)])))

    l2 = max(REGULARISATION, key=lambda value: sum(accuracy(_model(seeds, sv, value))))
    base = _model(seeds, sv, l2)
    xd = base.centre(dv, [r.lang for r in dev])
    linear_s = softmax(xd @ base.sentiment_w.T + base.sentiment_b)
    dim_p = sigmoid(xd @ base.dimension_w.T + base.dimension_b)
    linear_d = dim_p / dim_p.sum(axis=1, keepdims=True)

    best: tuple[float, ...] = (-1.0,)
    chosen: dict[str, Any] = {}
    for neighbours in NEIGHBOURS:
        for temperature in TEMPERATURES:
            base.neighbours, base.temperature = neighbours, temperature
            votes_s = base.votes(xd, base.memory_sentiment, 3)
            votes_d = base.votes(xd, base.memory_dimension, len(DIMENSIONS))
            d_blend, d_acc = max(((b, float((((1 - b) * linear_d + b * votes_d).argmax(axis=1) == dp).mean()))
                                  for b in BLENDS), key=lambda found: found[1])
            for blend in BLENDS:
                log_p = np.log(np.maximum((1 - blend) * linear_s + blend * votes_s, 1e-12))
                for bias in sorted(NEUTRAL_BIASES, key=abs):   # ties: the bias nearest zero
                    shifted = log_p.copy()
                    shifted[:, 1] += bias
                    s_acc = float((shifted.argmax(axis=1) == ds).mean())
                    if s_acc + d_acc > best[0] + 1e-9:
                        best = (s_acc + d_acc, s_acc, d_acc)
                        chosen = {"neighbours": neighbours, "temperature": temperature, "sentiment_blend": blend,
                                  "neutral_bias": float(bias), "dimension_blend": d_blend}
    thresholds = np.full(len(DIMENSIONS), 0.5)
    for k in range(len(DIMENSIONS)):
        f_best = -1.0
        for threshold in THRESHOLDS:
            predicted = dim_p[:, k] >= threshold
            truth = dm[:, k] == 1
            tp = float((predicted & truth).sum())
            f1 = 2 * tp / max(float(predicted.sum() + truth.sum()), 1.0)
            if f1 > f_best + 1e-9:
                thresholds[k], f_best = threshold, f1

    everything = [*seeds, *dev]
    model = _model(everything, np.vstack([sv, dv]), l2, thresholds=thresholds, **chosen, info={
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"), "seeds": str(len(seeds)),
        "dev": str(len(dev)), "l2": str(l2)})
    report = TrainingReport(len(seeds), len(dev), l2, chosen["neutral_bias"], chosen["neighbours"],
                            chosen["temperature"], chosen["sentiment_blend"], chosen["dimension_blend"], best[1],
                            best[2], {d: float(t) for d, t in zip(DIMENSIONS, thresholds, strict=True)})
    return model, report


def shipped_path() -> Path:
    """Where ``voice train`` writes the model in a source checkout."""
    return Path(str(resources.files("servicescape.voice") / "data" / "model.npz"))


# -- the sentences' vectors ----------------------------------------------------------------------------


def vectors_path() -> Path:
    """The shipped sentences' vectors, beside the shipped model."""
    return shipped_path().with_name("vectors.npz")


def cached_vectors(path: Path) -> dict[str, np.ndarray]:
    """Text hash → e5 vector (float16) from a file written by :func:`save_vectors`; empty when none."""
    if not path.is_file():
        return {}
    with np.load(path) as data:
        hashes, vectors = data["hashes"], data["vectors"]
    return {bytes(h).decode("ascii"): v for h, v in zip(hashes, vectors, strict=True)}


def vectors_for(texts: Sequence[str], cache: dict[str, np.ndarray]) -> tuple[np.ndarray, int]:
    """The vectors of ``texts`` (float16, in order), embedding only those not in ``cache``; and how many
    were embedded."""
    keys = [text_hash(text) for text in texts]
    missing = [i for i, key in enumerate(keys) if key not in cache]
    fresh = dict(zip(missing, embed([texts[i] for i in missing]), strict=True))
    out = np.zeros((len(texts), DIM), dtype=np.float16)
    for i, key in enumerate(keys):
        out[i] = fresh[i] if i in fresh else cache[key]
    return out, len(missing)


def save_vectors(path: Path, texts: Sequence[str], vectors: np.ndarray) -> None:
    """Keep ``vectors`` by the hash of their texts (each text once)."""
    kept = {text_hash(text): vector for text, vector in zip(texts, vectors, strict=True)}
    np.savez_compressed(path, hashes=np.array(list(kept), dtype="S64"),
                        vectors=np.asarray(list(kept.values()), dtype=np.float16).reshape(len(kept), DIM))


@dataclass(frozen=True)
class Trained:
    report: TrainingReport
    written: Path
    embedded: int          # sentences embedded (not found among the kept vectors)


def train_packaged(out: Path | None = None, *, fresh: bool = False) -> Trained:
    """Train on the package's seed and development sentences and write the model to ``out``; by default
    to the package's own model, with the sentences' vectors kept beside it. ``fresh`` embeds every
    sentence again instead of reading the kept vectors."""
    seeds, dev = packaged("seeds"), packaged("dev")
    cache = {} if fresh else cached_vectors(vectors_path())
    seed_vectors, embedded_seeds = vectors_for([r.text for r in seeds], cache)
    dev_vectors, embedded_dev = vectors_for([r.text for r in dev], cache)
    model, report = train(seeds, dev, seed_vectors=seed_vectors, dev_vectors=dev_vectors)
    target = out or shipped_path()
    model.save(target)
    if out is None:
        save_vectors(vectors_path(), [r.text for r in (*seeds, *dev)], np.vstack([seed_vectors, dev_vectors]))
    return Trained(report, target, embedded_seeds + embedded_dev)
