"""What each client is worth: repeat purchases (BG/NBD), spend per purchase (Gamma-Gamma) and
discounted lifetime value, in numpy and scipy.

- BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
  Pareto/NBD model", Marketing Science 24(2). While alive a client buys at a Poisson rate λ
  (gamma-distributed across clients, shape r, rate α); after each repeat purchase they leave with
  probability p (beta-distributed, a, b).
- Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
  analysis", JMR 42(4), and Fader & Hardie, "The Gamma-Gamma model of monetary value" (2013). The
  value of each purchase is gamma (shape p, rate ν); ν is gamma across clients (shape q, rate γ).

Each client is described by frequency x (repeat purchases, the first one not counted), recency t_x
(time from the first purchase to the last) and age T (time from the first purchase to the end of
the calibration period), in one time unit of the caller's choosing; monetary is the mean value of
the repeat purchases. Clients with the same (x, t_x, T) are fitted as one group weighted by their
number, so a million clients fit in a fraction of a second.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache, wraps
from typing import Any, NamedTuple, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1
from threadpoolctl import ThreadpoolController

Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.signedinteger[Any]]
P = ParamSpec("P")
R = TypeVar("R")

#: grids tried for whole-number codes of the values grouped: whole units, weeks of days, days of hours, cents
_GRID_SCALES = (1.0, 7.0, 24.0, 100.0)
#: at most this many grid steps for one column of values, else its values are ranked (sorted)
_GRID_STEPS = 1 << 22
#: combined codes are grouped by marking the codes seen (a flag per possible code) up to this many, else sorted
_DENSE_SPAN = 1 << 23
#: a parameter more than e^9 (~8,000) times above or below its natural scale has run off to 0 or infinity: the
#: likelihood has no maximum (the data do not determine the model); the search stays within e^20 of it
_RUNAWAY, _BOUND = 9.0, 20.0
#: within this distance of a = 1 the conditional expectation is interpolated (its formula is 0 / 0 at a = 1)
_NEAR_ONE = 1e-4
#: frequency groups of the holdout check, as in Fader, Hardie & Lee's calibration / holdout figure
_HOLDOUT_GROUPS = 7
#: L-BFGS-B's tolerances: tight, as a few more iterations cost little
_FTOL, _GTOL = 1e-13, 1e-9


@dataclass(frozen=True)
class BgNbd:
    """A fitted BG/NBD model: purchase rate ~ gamma(r, α), dropout probability ~ beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    clients: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GammaGamma:
    """A fitted Gamma-Gamma model of spend per purchase: shape p, and ν ~ gamma(q, γ) across clients."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    clients: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Holdout:
    """Predicted against actual repeat purchases in a holdout period after the calibration period.

    ``by_frequency``: per calibration frequency 0, 1, …, 6 and 7+ (groups without clients left out), the
    number of clients and their mean predicted and actual holdout purchases."""

    clients: int
    length: float
    predicted: float
    actual: float
    relative_error: float | None
    mean_absolute_error: float
    by_frequency: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- input -------------------------------------------------------------------------------------------


def _values(name: str, values: npt.ArrayLike, size: int | None = None, *, whole: bool = False) -> Floats:
    try:
        array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold numbers: {error}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one value per client (a flat array), got shape {array.shape}")
    if size is not None and array.size != size:
        raise ValueError(f"{name} has {array.size} values, frequency has {size}")
    if array.size and not (array.min() >= 0 and array.max() < math.inf):  # NaN fails both
        if not np.isfinite(array).all():
            raise ValueError(f"{name} holds values that are not finite numbers (NaN or infinity)")
        raise ValueError(f"{name} holds negative values")
    if whole and not np.array_equal(np.floor(array), array):
        raise ValueError(f"{name} must hold whole numbers of purchases")
    return array


def _clients(frequency: npt.ArrayLike, recency: npt.ArrayLike, age: npt.ArrayLike) -> tuple[Floats, Floats, Floats]:
    """Frequency, recency and age as float arrays, checked to describe purchase histories."""
    x = _values("frequency", frequency, whole=True)
    t_x = _values("recency", recency, x.size)
    t = _values("age", age, x.size)
    if (t_x > t).any():
        late = int(np.count_nonzero(t_x > t))
        raise ValueError(f"recency exceeds age for {late} clients: the last purchase cannot come after the "
                         f"end of the period")
    if not np.array_equal(x > 0, t_x > 0):
        if (instant := int(np.count_nonzero((x > 0) & (t_x == 0)))):
            raise ValueError(f"recency is 0 for {instant} clients with repeat purchases: a repeat purchase comes "
                             f"after the first one (merge purchases made at the same time)")
        stray = int(np.count_nonzero((x == 0) & (t_x > 0)))
        raise ValueError(f"recency is above 0 for {stray} clients without repeat purchases: recency is the "
                         f"time from the first purchase to the last, not the time since the last")
    return x, t_x, t


def _weights(weights: npt.ArrayLike | None, size: int) -> Floats | None:
    if weights is None:
        return None
    w = _values("weights", weights, size)
    if not w.sum() > 0:
        raise ValueError("weights are all 0: there is nobody to fit")
    return w


def _time(name: str, value: float) -> float:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite time of 0 or more, got {value}")
    return float(value)


# -- grouping identical clients ---------------------------------------------------------------------------


class _Coded(NamedTuple):
    codes: Indices  # 0 <= code < span
    span: int
    scale: float  # a code k stands for k / scale …
    ranked: Floats | None  # … or, where the values were ranked, for ranked[k]

    def values(self, codes: Indices) -> Floats:
        return codes / self.scale if self.ranked is None else self.ranked[codes]


def _codes(values: Floats) -> _Coded:
    """Whole-number codes that keep distinct values distinct.

    Values on a grid (whole units, weeks counted in days, days in hours, cents) are coded by their grid
    step, without sorting; exact: a step k stands for one value only, k / scale. Others are ranked."""
    top = float(values.max()) if values.size else 0.0
    for scale in _GRID_SCALES:
        if top * scale >= _GRID_STEPS:
            break
        if scale == 1:  # whole numbers (the values are 0 or more): truncation is exact
            whole = values.astype(np.intp)
            if np.array_equal(whole, values):
                return _Coded(whole, int(top) + 1, 1.0, None)
            continue
        steps = np.rint(values * scale)
        if np.array_equal(steps / scale, values):
            return _Coded(steps.astype(np.intp), int(np.rint(top * scale)) + 1, scale, None)
    ranked, inverse = np.unique(values, return_inverse=True)
    return _Coded(inverse.astype(np.intp, copy=False).ravel(), int(ranked.size), 1.0, ranked)


def _compact(key: Indices, span: int) -> tuple[Indices, Indices]:
    """The distinct keys (0 <= key < span) ranked 0, 1, …: each key's rank, and the distinct keys."""
    if span <= _DENSE_SPAN:  # mark the keys seen: no sorting
        seen = np.zeros(span, np.bool_)
        seen[key] = True
        present = np.flatnonzero(seen)
        rank = np.empty(span, np.int32)
        rank[present] = np.arange(present.size, dtype=np.int32)
        return rank[key], present
    present, inverse = np.unique(key, return_inverse=True)
    return inverse.ravel(), present


def _group(*columns: Floats) -> tuple[Indices, Indices]:
    """Groups of identical rows: each row's group, and one row of each group.

    What ``np.unique(np.column_stack(columns), axis=0, return_inverse=True)`` gives, but 10-50x faster:
    that sorts the rows as raw bytes (over a second for a million rows)."""
    size = columns[0].size
    first = _codes(columns[0])
    key, span = first.codes, first.span
    for column in columns[1:]:
        coded = _codes(column)
        if span * coded.span > _DENSE_SPAN:  # keep the combined code small: rank the combinations seen so far
            key, present = _compact(key, span)
            span = present.size
        key = key * coded.span + coded.codes
        span *= coded.span
    inverse, present = _compact(key, span)
    rows = np.empty(present.size, np.intp)
    rows[inverse] = np.arange(size)  # any row of a group will do: they are identical
    return inverse, rows


def _take(rows: Indices, *columns: Floats) -> tuple[Floats, ...]:
    return tuple(column.take(rows) for column in columns)


def _totals(values: Floats, *weights: Floats | None) -> tuple[Floats, ...]:
    """The distinct values, and for each the sum of each of ``weights`` (a count where None)."""
    coded = _codes(values)
    sums = [np.bincount(coded.codes, weights=w, minlength=coded.span).astype(np.float64) for w in weights]
    present = np.flatnonzero(sums[0])
    return coded.values(present), *(total[present] for total in sums)


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()  # looking the libraries up takes ~20 ms: once


#: one limit at a time: two overlapping ones would restore each other's limit, leaving BLAS on one thread
_BLAS_LIMIT = threading.RLock()


def _one_blas_thread(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with one BLAS thread: scipy >= 1.15's L-BFGS-B is ~20x slower on small problems with
    multi-threaded OpenBLAS (scipy #22438), and so are dot products of a few hundred thousand values on a
    busy machine."""
    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with _BLAS_LIMIT, _blas().limit(limits=1):
            return function(*args, **kwargs)
    return run


def _minimize(objective: Any, start: Floats, data: Any, what: str, names: tuple[str, ...]) -> tuple[Floats, float]:
    """The log-parameters that minimise ``objective`` from ``start`` (each parameter at its natural scale:
    1, the mean age, the mean spend), and the objective there."""
    bounds = [(s - _BOUND, s + _BOUND) for s in start]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # far out on a line search
        result = minimize(objective, start, args=data, method="L-BFGS-B", jac=True, bounds=bounds,
                          options={"maxiter": 2000, "ftol": _FTOL, "gtol": _GTOL})
    theta = np.asarray(result.x, dtype=np.float64)
    if not (np.isfinite(theta).all() and np.isfinite(result.fun)):
        raise RuntimeError(f"the {what} fit did not converge: {result.message}")
    if (far := np.abs(theta - start) > _RUNAWAY).any():
        drifted = ", ".join(name for name, out in zip(names, far, strict=True) if out)
        raise RuntimeError(f"the {what} fit did not converge: {drifted} ran off towards 0 or infinity (the likelihood "
                           f"has no maximum for these data: too few clients, or too little variety among them; a "
                           f"penalizer, e.g. 0.001, may give one)")
    # a line search that can no longer improve at a flat optimum is an optimum too
    if not (result.success or np.max(np.abs(result.jac)) < 1e-5):
        raise RuntimeError(f"the {what} fit did not converge: {result.message}")
    return theta, float(result.fun)


# -- BG/NBD ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _BgNbdData:
    total: float  # the clients' total weight
    xs: Floats  # distinct frequencies and their weights
    x_weights: Floats
    ages: Floats  # distinct ages, their weights and their weights × frequency
    age_weights: Floats
    age_x_weights: Floats
    x: Floats  # the groups of repeat buyers: (x, t_x, T) and weight
    recency: Floats
    age: Floats
    weight: Floats
    lapse: Floats  # T − t_x
    x_less_one: Floats  # x − 1
    penalizer: float
    alpha_unit: float  # α is penalized in units of the oldest client's age, as lifetimes does


def _softplus_expit(lead: Floats) -> tuple[Floats, Floats]:
    """log(1 + e^lead) and e^lead / (1 + e^lead), from one exponential (np.logaddexp is 3x slower)."""
    odds = np.exp(np.minimum(lead, 700.0))
    softplus = np.log1p(odds)
    if lead.max() > 700.0:
        softplus = np.where(lead > 700.0, lead, softplus)
    odds /= 1.0 + odds
    return softplus, odds


def _bgnbd_objective(theta: Floats, d: _BgNbdData) -> tuple[float, Floats]:
    """The mean negative log-likelihood (plus the penalty) and its gradient in the log-parameters."""
    r, alpha, a, b = np.exp(theta)
    w = d.total
    ln_alpha = math.log(alpha)
    # terms of x alone (A1 and A2 of Fader & Hardie's note 004, "Implementing the BG/NBD model"), summed over
    # the distinct x
    ll = (d.x_weights @ (gammaln(r + d.xs) + gammaln(b + d.xs) - gammaln(a + b + d.xs))
          + w * (r * ln_alpha - gammaln(r) + gammaln(a + b) - gammaln(b)))
    psi_ab = digamma(a + b)
    psi_abx = d.x_weights @ digamma(a + b + d.xs)
    d_r = d.x_weights @ digamma(r + d.xs) + w * (ln_alpha - digamma(r))
    d_a = w * psi_ab - psi_abx
    d_b = w * (psi_ab - digamma(b)) + d.x_weights @ digamma(b + d.xs) - psi_abx
    d_alpha = w * r / alpha
    # the survival to T (A3) for everyone, summed over the distinct ages
    age_log = np.log(alpha + d.ages)
    rx_weights = r * d.age_weights + d.age_x_weights
    ll -= rx_weights @ age_log
    d_r -= d.age_weights @ age_log
    d_alpha -= rx_weights @ (1.0 / (alpha + d.ages))
    # repeat buyers may also have left right after their last purchase (A4): log(e^A3 + e^A4) = A3 + softplus(A4 − A3)
    if d.x.size:
        rx = r + d.x
        ratio = d.lapse / (alpha + d.recency)
        gap = np.log1p(ratio)  # log(α + T) − log(α + t_x)
        inv_b = 1.0 / (b + d.x_less_one)
        lead = np.log(inv_b)
        lead += math.log(a)
        lead += rx * gap  # A4 − A3
        softplus, left = _softplus_expit(lead)
        ll += d.weight @ softplus
        left *= d.weight
        d_r += left @ gap
        d_alpha -= (left * rx) @ (ratio / (alpha + d.age))
        d_a += left.sum() / a
        d_b -= left @ inv_b
    scaled = np.array([r, alpha * d.alpha_unit, a, b])
    value = -ll / w + d.penalizer * float(scaled @ scaled)
    gradient = -np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b]) / w + 2.0 * d.penalizer * scaled**2
    return float(value), gradient


@_one_blas_thread
def fit_bgnbd(frequency: npt.ArrayLike, recency: npt.ArrayLike, age: npt.ArrayLike, *,
              weights: npt.ArrayLike | None = None, penalizer: float = 0.0) -> BgNbd:
    """Fit BG/NBD by maximum likelihood on clients' (frequency, recency, age).

    ``weights``: how many clients each row stands for (as in lifetimes), 1 by default. ``penalizer``:
    an L2 penalty on the parameters, α measured in units of the oldest client's age (as in lifetimes).
    Raises ValueError for data that are not purchase histories, RuntimeError when the fit fails."""
    x, t_x, t = _clients(frequency, recency, age)
    if x.size == 0:
        raise ValueError("frequency is empty: there are no clients to fit")
    given = _weights(weights, x.size)
    if not (math.isfinite(penalizer) and penalizer >= 0):
        raise ValueError(f"penalizer must be 0 or more, got {penalizer}")
    if given is not None and not (kept := given > 0).all():  # rows that stand for nobody
        x, t_x, t, given = _take(np.flatnonzero(kept), x, t_x, t, given)
    if not t.max() > 0:
        raise ValueError("age is 0 for every client: nobody has been observed for any time yet")
    xs, x_weights = _totals(x, given)
    ages, age_weights, age_x_weights = _totals(t, given, x if given is None else given * x)
    repeat = np.flatnonzero(x)
    if repeat.size == 0:
        raise ValueError("frequency is 0 for every client: with no repeat purchases yet, how often clients buy and "
                         "how soon they leave cannot be told apart")
    x, t_x, t = _take(repeat, x, t_x, t)
    inverse, rows = _group(t_x, t, x)
    weight = np.bincount(inverse, weights=None if given is None else given.take(repeat), minlength=rows.size)
    x, t_x, t = _take(rows, x, t_x, t)
    total = float(x_weights.sum())
    data = _BgNbdData(total=total, xs=xs, x_weights=x_weights, ages=ages, age_weights=age_weights,
                      age_x_weights=age_x_weights, x=x, recency=t_x, age=t, weight=weight.astype(np.float64),
                      lapse=t - t_x, x_less_one=x - 1.0, penalizer=float(penalizer), alpha_unit=1.0 / float(ages.max()))
    mean_age = float(ages @ age_weights) / total
    theta, value = _minimize(_bgnbd_objective, np.log([1.0, mean_age, 1.0, 1.0]), (data,), "BG/NBD",
                             ("r", "alpha", "a", "b"))
    r, alpha, a, b = (float(v) for v in np.exp(theta))
    penalty = data.penalizer * (r**2 + (alpha * data.alpha_unit) ** 2 + a**2 + b**2)
    return BgNbd(r=r, alpha=alpha, a=a, b=b, log_likelihood=-(value - penalty) * total, clients=round(total))


def _alive(model: BgNbd, x: Floats, t_x: Floats, t: Floats) -> Floats:
    """P(alive | x, t_x, T) = 1 / (1 + e^lead), lead = log(a / (b + x − 1)) + (r + x) log((α + T) / (α + t_x))
    the log odds of having left right after the last purchase; 1 without repeat purchases."""
    alive = np.ones(x.size)
    repeat = np.flatnonzero(x)
    x, t_x, t = _take(repeat, x, t_x, t)
    silence = t - t_x
    silence /= model.alpha + t_x
    np.log1p(silence, out=silence)
    silence *= model.r + x
    minus_lead = np.log(model.b - 1.0 + x)
    minus_lead -= math.log(model.a)
    minus_lead -= silence
    alive[repeat] = expit(minus_lead)
    return alive


def probability_alive(model: BgNbd, frequency: npt.ArrayLike, recency: npt.ArrayLike,
                      age: npt.ArrayLike) -> Floats:
    """P(alive | x, t_x, T): the probability that each client is still a client; 1 without repeat purchases."""
    x, t_x, t = _clients(frequency, recency, age)
    return np.asarray(_alive(model, x, t_x, t), dtype=np.float64)


def _purchases_if_alive(model: BgNbd, horizons: Floats, x: Floats, age: Floats) -> Floats:
    """E[X(T, T + t) | x, T, alive at T] for every horizon t (columns) and client (rows): eq. 10 without its
    P(alive) factor."""
    a = model.a
    if abs(a - 1.0) >= _NEAR_ONE:
        expected = _purchases_if_alive_at(model, a, horizons, x, age)
    else:  # 0 / 0 at a = 1: interpolate between both sides (the curve is smooth in a)
        below = _purchases_if_alive_at(model, 1.0 - _NEAR_ONE, horizons, x, age)
        above = _purchases_if_alive_at(model, 1.0 + _NEAR_ONE, horizons, x, age)
        expected = below + (a - (1.0 - _NEAR_ONE)) / (2.0 * _NEAR_ONE) * (above - below)
    if not np.isfinite(expected).all():
        raise RuntimeError(f"expected purchases are not finite for r={model.r}, alpha={model.alpha}, a={a}, "
                           f"b={model.b}")
    return expected


def _purchases_if_alive_at(model: BgNbd, a: float, horizons: Floats, x: Floats, age: Floats) -> Floats:
    """The hypergeometric term in Euler's form, (1 − z)^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z) =
    (1 − z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z) with z = t / (α + T + t): its parameters stay small for
    any x, so nothing overflows (the direct form does for clients with many purchases; cf. Fader & Hardie's note
    "Overcoming the BG/NBD model's #NUM! error problem")."""
    r, alpha, b = model.r, model.alpha, model.b
    c = (a + b + x - 1.0)[:, None]
    ahead = (alpha + age)[:, None]
    z = horizons[None, :] / (ahead + horizons[None, :])
    log_rest = -np.log1p(horizons[None, :] / ahead)  # log(1 − z)
    tail = np.exp((a - 1.0) * log_rest) * hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
    return np.asarray(np.maximum(c / (a - 1.0) * (1.0 - tail), 0.0), dtype=np.float64)


def _purchases_by_group(model: BgNbd, horizons: Floats, x: Floats, t: Floats) -> tuple[Floats, Indices]:
    """_purchases_if_alive once per distinct (x, T), and each client's group."""
    inverse, rows = _group(x, t)
    return _purchases_if_alive(model, horizons, x[rows], t[rows]), inverse


def expected_purchases(model: BgNbd, t: float, frequency: npt.ArrayLike, recency: npt.ArrayLike,
                       age: npt.ArrayLike) -> Floats:
    """E[X(T, T + t) | x, t_x, T]: each client's expected repeat purchases in the next ``t`` (eq. 10)."""
    horizon = _time("t", t)
    x, t_x, age_ = _clients(frequency, recency, age)
    if x.size == 0:
        return np.zeros(0)
    by_group, inverse = _purchases_by_group(model, np.array([horizon]), x, age_)
    return np.asarray(by_group[:, 0].take(inverse) * _alive(model, x, t_x, age_), dtype=np.float64)


def expected_purchases_new(model: BgNbd, t: npt.ArrayLike) -> Floats:
    """E[X(t)]: the expected repeat purchases of a new client in their first ``t`` (eq. 9), for each ``t``."""
    horizons = np.asarray(t, dtype=np.float64)
    flat = _values("t", horizons.ravel())
    return _purchases_if_alive(model, flat, np.zeros(1), np.zeros(1))[0].reshape(horizons.shape)


# -- Gamma-Gamma -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _GammaGammaData:
    total: float
    xs: Floats  # distinct frequencies, their weights, and log x
    x_weights: Floats
    log_xs: Floats
    x: Floats  # the groups: x, x·m, weight
    spent: Floats
    weight: Floats
    log_m: float  # Σ w log m
    x_log_m: float  # Σ w x log m
    penalizer: float


def _gamma_gamma_objective(theta: Floats, d: _GammaGammaData) -> tuple[float, Floats]:
    """The mean negative log-likelihood (plus the penalty) and its gradient in the log-parameters."""
    p, q, gamma = np.exp(theta)
    w = d.total
    px = p * d.xs
    ln_gamma = math.log(gamma)
    # log f(m | x) = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + m x)
    ll = (d.x_weights @ (gammaln(px + q) - gammaln(px) + px * d.log_xs) + w * (q * ln_gamma - gammaln(q))
          + p * d.x_log_m - d.log_m)
    psi = digamma(px + q)
    d_p = d.x_weights @ (d.xs * (psi - digamma(px) + d.log_xs)) + d.x_log_m
    d_q = d.x_weights @ psi + w * (ln_gamma - digamma(q))
    d_gamma = w * q / gamma
    log_total = np.log(gamma + d.spent)
    wx = d.weight * d.x
    ll -= p * (wx @ log_total) + q * (d.weight @ log_total)
    d_p -= wx @ log_total
    d_q -= d.weight @ log_total
    d_gamma -= (p * wx + q * d.weight) @ (1.0 / (gamma + d.spent))
    params = np.array([p, q, gamma])
    value = -ll / w + d.penalizer * float(params @ params)
    gradient = -np.array([d_p * p, d_q * q, d_gamma * gamma]) / w + 2.0 * d.penalizer * params**2
    return float(value), gradient


@_one_blas_thread
def fit_gamma_gamma(frequency: npt.ArrayLike, monetary: npt.ArrayLike, *, weights: npt.ArrayLike | None = None,
                    penalizer: float = 0.0) -> GammaGamma:
    """Fit the Gamma-Gamma model of spend per purchase by maximum likelihood.

    Fitted on the clients with repeat purchases (frequency > 0) and a mean repeat purchase value
    ``monetary`` above 0; the others are left out. ``penalizer``: an L2 penalty on p, q and γ (as in
    lifetimes). Raises ValueError for bad data, RuntimeError when the fit fails."""
    x = _values("frequency", frequency, whole=True)
    m = _values("monetary", monetary, x.size)
    given = _weights(weights, x.size)
    if not (math.isfinite(penalizer) and penalizer >= 0):
        raise ValueError(f"penalizer must be 0 or more, got {penalizer}")
    repeat = (x > 0) & (m > 0)
    if given is not None:
        repeat &= given > 0
    if not repeat.any():
        raise ValueError("frequency and monetary: no client has repeat purchases of a value above 0 to fit")
    chosen = np.flatnonzero(repeat)
    x, m = _take(chosen, x, m)
    inverse, rows = _group(m, x)
    weight = np.bincount(inverse, weights=None if given is None else given.take(chosen),
                         minlength=rows.size).astype(np.float64)
    x, m = _take(rows, x, m)
    xs, x_weights = _totals(x, weight)
    log_m = np.log(m)
    total = float(weight.sum())
    data = _GammaGammaData(total=total, xs=xs, x_weights=x_weights, log_xs=np.log(xs), x=x, spent=x * m,
                           weight=weight, log_m=float(weight @ log_m), x_log_m=float((weight * x) @ log_m),
                           penalizer=float(penalizer))
    mean_spend = float(weight @ m) / total
    theta, value = _minimize(_gamma_gamma_objective, np.log([1.0, 2.0, mean_spend]), (data,), "Gamma-Gamma",
                             ("p", "q", "gamma"))
    p, q, gamma = (float(v) for v in np.exp(theta))
    penalty = data.penalizer * (p**2 + q**2 + gamma**2)
    return GammaGamma(p=p, q=q, gamma=gamma, log_likelihood=-(value - penalty) * total, clients=round(total))


def _spend(model: GammaGamma, x: Floats, m: Floats) -> Floats:
    if not model.q > 1:
        raise ValueError(f"the Gamma-Gamma model has q = {model.q:g} ≤ 1: the mean spend per purchase is undefined "
                         f"(infinite) under it")
    return np.asarray((model.gamma + m * x) * model.p / (model.p * x + model.q - 1.0), dtype=np.float64)


def expected_spend(model: GammaGamma, frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> Floats:
    """E[Z | x, m]: each client's expected value per purchase, (γ + m x) p / (p x + q − 1); for a client
    without repeat purchases the population mean p γ / (q − 1)."""
    x = _values("frequency", frequency, whole=True)
    return _spend(model, x, _values("monetary", monetary, x.size))


# -- value ------------------------------------------------------------------------------------------------


@_one_blas_thread
def customer_lifetime_value(bgnbd: BgNbd, gg: GammaGamma, frequency: npt.ArrayLike, recency: npt.ArrayLike,
                            age: npt.ArrayLike, monetary: npt.ArrayLike, *, horizon: float, step: float,
                            discount_rate: float) -> Floats:
    """Each client's discounted lifetime value over ``horizon`` (as lifetimes' ``customer_lifetime_value``).

    Σ over steps i = 1 … horizon / step of (E[X(T, T + i·step)] − E[X(T, T + (i−1)·step)]) · E[Z | x, m]
    / (1 + discount_rate)^i; horizon and step in the fit's time unit, the discount rate per step."""
    if not (math.isfinite(step) and step > 0):
        raise ValueError(f"step must be a time above 0, got {step}")
    _time("horizon", horizon)
    steps = round(horizon / step)
    if steps < 1 or not math.isclose(steps * step, horizon, rel_tol=1e-9):
        raise ValueError(f"horizon must be a whole number (1 or more) of steps: {horizon} / {step} is not")
    if not (math.isfinite(discount_rate) and discount_rate > -1):
        raise ValueError(f"discount_rate must be above -1, got {discount_rate}")
    x, t_x, t = _clients(frequency, recency, age)
    spend = _spend(gg, x, _values("monetary", monetary, x.size))
    if x.size == 0:
        return np.zeros(0)
    cumulative, inverse = _purchases_by_group(bgnbd, step * np.arange(1, steps + 1, dtype=np.float64), x, t)
    each_step = np.diff(cumulative, axis=1, prepend=0.0)
    discounted = each_step @ (1.0 + discount_rate) ** -np.arange(1, steps + 1, dtype=np.float64)
    return np.asarray(discounted.take(inverse) * _alive(bgnbd, x, t_x, t) * spend, dtype=np.float64)


def holdout_check(model: BgNbd, frequency: npt.ArrayLike, recency: npt.ArrayLike, age: npt.ArrayLike,
                  holdout_purchases: npt.ArrayLike, holdout_length: float) -> Holdout:
    """Each client's expected repeat purchases in the holdout period against what they bought there."""
    length = _time("holdout_length", holdout_length)
    x, t_x, t = _clients(frequency, recency, age)
    actual = _values("holdout_purchases", holdout_purchases, x.size, whole=True)
    if x.size == 0:
        raise ValueError("frequency is empty: there are no clients to check")
    predicted = expected_purchases(model, length, x, t_x, t)
    total_predicted, total_actual = float(predicted.sum()), float(actual.sum())
    groups = np.minimum(x, _HOLDOUT_GROUPS).astype(np.intp)
    clients = np.bincount(groups, minlength=_HOLDOUT_GROUPS + 1)
    predicted_sums = np.bincount(groups, weights=predicted, minlength=_HOLDOUT_GROUPS + 1)
    actual_sums = np.bincount(groups, weights=actual, minlength=_HOLDOUT_GROUPS + 1)
    by_frequency = [
        {"frequency": f"{k}+" if k == _HOLDOUT_GROUPS else str(k), "clients": int(clients[k]),
         "predicted": float(predicted_sums[k] / clients[k]), "actual": float(actual_sums[k] / clients[k])}
        for k in range(_HOLDOUT_GROUPS + 1) if clients[k]
    ]
    return Holdout(clients=int(x.size), length=length, predicted=total_predicted, actual=total_actual,
                   relative_error=(total_predicted - total_actual) / total_actual if total_actual else None,
                   mean_absolute_error=float(np.abs(predicted - actual).mean()), by_frequency=by_frequency)
