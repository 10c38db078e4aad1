"""What each client is worth and who is slipping away: the purchase summary from an engine, the
BG/NBD and Gamma-Gamma models fitted in numpy (:mod:`servicescape.analytics.lifetime`), and per
client the expected purchases, the probability of being alive, the expected spend and the discounted
lifetime value over the horizon; churn risk against each client's own rhythm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from servicescape.analytics import concentration, lifetime, summary
from servicescape.analytics.engines import Tables

TimeUnit = Literal["day", "week"]
UNIT_DAYS: dict[str, int] = {"day": 1, "week": 7}
MONTH_DAYS = 365.25 / 12
#: the CLV distribution is drawn in this many groups of clients (deciles)
DECILES = 10

Floats = npt.NDArray[np.float64]
Model = TypeVar("Model")


@dataclass(frozen=True)
class LifetimeTerms:
    """How lifetime value is counted: the horizon, the discount rate and the time unit of the fit."""

    horizon_months: int = 12
    annual_discount_rate: float = 0.10
    unit: TimeUnit = "week"

    def __post_init__(self) -> None:
        if not 1 <= self.horizon_months <= 120:
            raise ValueError(f"the horizon is 1 to 120 months, not {self.horizon_months}")
        if not 0 <= self.annual_discount_rate < 1:
            raise ValueError(f"the annual discount rate is 0 to 1 (0.1 = 10%), not {self.annual_discount_rate}")
        if self.unit not in UNIT_DAYS:
            raise ValueError(f"the time unit is day or week, not {self.unit!r}")

    @property
    def step(self) -> float:
        """One month in the fit's time unit."""
        return MONTH_DAYS / UNIT_DAYS[self.unit]

    @property
    def monthly_discount(self) -> float:
        return float((1 + self.annual_discount_rate) ** (1 / 12) - 1)


@dataclass
class ClientValues:
    """Per client (aligned arrays), from the purchase summary to ``until`` and the fitted models."""

    until: date
    terms: LifetimeTerms
    bgnbd: lifetime.BgNbd
    gamma_gamma: lifetime.GammaGamma | None
    client_id: npt.NDArray[np.int64]
    frequency: Floats
    recency: Floats            # in the fit's unit
    age: Floats                # in the fit's unit
    monetary: Floats
    last_on: npt.NDArray[np.int64]   # days since 1970-01-01
    total: Floats
    expected_purchases: Floats
    probability_alive: Floats
    expected_spend: Floats
    clv: Floats
    holdout_purchases: Floats | None = None
    penalizer: float = 0.0     # the L2 penalty the BG/NBD fit needed (0: none)

    def days_since_last(self) -> Floats:
        return (self.until - date(1970, 1, 1)).days - self.last_on.astype(np.float64)

    def usual_gap_days(self) -> Floats:
        """The client's own rhythm: mean days between purchases (NaN with one purchase)."""
        days = self.recency * UNIT_DAYS[self.terms.unit]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.frequency > 0, days / np.maximum(self.frequency, 1), np.nan)


#: fewer clients who bought again than this, and the spend model is not fitted (each client's own mean)
MIN_REPEAT_CLIENTS = 3
#: when the data do not determine a model (a small firm, nobody dropped out yet), fit it again with a
#: growing L2 penalty on the log-parameters, as lifetimes does — the figures then say which was used
PENALIZERS = (0.0, 0.001, 0.01, 0.1, 1.0)


def _fit(fit: Callable[[float], Model]) -> tuple[Model, float]:
    last: RuntimeError | None = None
    for weight in PENALIZERS:
        try:
            return fit(weight), weight
        except RuntimeError as failed:
            last = failed
    assert last is not None
    raise ValueError(str(last)) from None


def discounted_purchases(model: lifetime.BgNbd, frequency: Floats, recency: Floats, age: Floats,
                          terms: LifetimeTerms) -> Floats:
    """Σ over the horizon's months of each month's expected purchases, discounted to today."""
    total, before = np.zeros(len(frequency)), np.zeros(len(frequency))
    for month in range(1, terms.horizon_months + 1):
        upto = lifetime.expected_purchases(model, month * terms.step, frequency, recency, age)
        total += (upto - before) / (1 + terms.monthly_discount) ** month
        before = upto
    return total


def client_values(tables: Tables, *, until: date, terms: LifetimeTerms,
                  holdout_until: date | None = None) -> ClientValues:
    """Fit the models on every client's purchases up to ``until`` and value each client."""
    expr = summary.purchases_of_days(tables.purchase_days(until), until=until)
    if holdout_until is not None:
        expr = summary.with_holdout(expr, tables.revenue, until=until, holdout_until=holdout_until)
    table = tables.arrow(expr.order_by("client_id"))
    if table.num_rows == 0:
        raise ValueError(f"no client bought anything by {until}: there is nothing to fit")
    unit = float(UNIT_DAYS[terms.unit])

    def column(name: str) -> Floats:
        return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)

    frequency, monetary = column("frequency"), column("monetary")
    recency, age = column("recency") / unit, column("age") / unit
    bgnbd, penalizer = _fit(lambda weight: lifetime.fit_bgnbd(frequency, recency, age, penalizer=weight))
    repeat = (frequency > 0) & (monetary > 0)
    gamma_gamma, _spend_penalizer = _fit(
        lambda weight: lifetime.fit_gamma_gamma(frequency[repeat], monetary[repeat], penalizer=weight)) \
        if repeat.sum() >= MIN_REPEAT_CLIENTS else (None, 0.0)
    months = terms.horizon_months
    expected = lifetime.expected_purchases(bgnbd, months * terms.step, frequency, recency, age)
    alive = lifetime.probability_alive(bgnbd, frequency, recency, age)
    if gamma_gamma is not None and gamma_gamma.q <= 1:
        gamma_gamma = None    # spend per purchase with no finite mean under the fit: the clients' own means
    if gamma_gamma is not None:
        spend = lifetime.expected_spend(gamma_gamma, frequency, monetary)
        clv = lifetime.customer_lifetime_value(bgnbd, gamma_gamma, frequency, recency, age, monetary,
                                               horizon=months * terms.step, step=terms.step,
                                               discount_rate=terms.monthly_discount)
    else:  # no spend model: each client's own mean purchase, times its discounted expected purchases
        spend = np.where(frequency > 0, monetary, column("total"))
        clv = discounted_purchases(bgnbd, frequency, recency, age, terms) * spend
    last_on = np.asarray(table.column("last_on").cast("int32").to_numpy(zero_copy_only=False), dtype=np.int64)
    return ClientValues(
        until=until, terms=terms, bgnbd=bgnbd, gamma_gamma=gamma_gamma,
        client_id=np.asarray(table.column("client_id").to_numpy(zero_copy_only=False), dtype=np.int64),
        frequency=frequency, recency=recency, age=age, monetary=monetary, last_on=last_on, total=column("total"),
        expected_purchases=expected, probability_alive=alive, expected_spend=spend, clv=clv,
        holdout_purchases=column("holdout_purchases") if holdout_until is not None else None, penalizer=penalizer)


def _names(tables: Tables, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    clients = tables.clients
    rows = tables.rows(clients.filter(clients.client_id.isin(ids)).select("client_id", "name", "tier"))
    return {int(row["client_id"]): row for row in rows}


def _round(value: float, places: int = 2) -> float | None:
    return round(float(value), places) if np.isfinite(value) else None


def _aligned(client_ids: npt.NDArray[np.int64], table: Any) -> Floats:
    """The ``revenue`` column of ``table`` (``client_id``, ``revenue``) on the order of ``client_ids``
    (sorted), 0 for clients it lacks."""
    out = np.zeros(len(client_ids))
    ids = np.asarray(table.column("client_id").to_numpy(zero_copy_only=False), dtype=np.int64)
    amounts = np.asarray(table.column("revenue").to_numpy(zero_copy_only=False), dtype=np.float64)
    places = np.searchsorted(client_ids, ids)
    found = (places < len(client_ids)) & (client_ids[np.minimum(places, len(client_ids) - 1)] == ids)
    out[places[found]] = amounts[found]
    return out


def clv_report(tables: Tables, values: ClientValues, *, holdout_until: date | None = None,
               limit: int = 100) -> dict[str, Any]:
    """The fitted parameters, the CLV distribution by decile, the top clients and the holdout check."""
    gg = values.gamma_gamma
    n = len(values.client_id)
    order = np.argsort(-values.clv, kind="stable")
    top = order[:limit]
    names = _names(tables, [int(values.client_id[i]) for i in top])
    deciles = []
    for index, part in enumerate(np.array_split(order[::-1], DECILES) if n >= DECILES else [order[::-1]]):
        if len(part):
            deciles.append({"decile": index + 1, "clients": len(part), "mean_clv": _round(values.clv[part].mean()),
                            "clv": _round(values.clv[part].sum()), "max_clv": _round(values.clv[part].max())})
    report: dict[str, Any] = {
        "engine": tables.engine, "currency": tables.reporting_currency,
        "unconverted_invoices": dict(tables.unconverted), "until": values.until.isoformat(),
        "time_unit": values.terms.unit, "horizon_months": values.terms.horizon_months,
        "annual_discount_rate": values.terms.annual_discount_rate,
        "clients": n, "repeat_clients": int((values.frequency > 0).sum()),
        "parameters": {
            "r": values.bgnbd.r, "alpha": values.bgnbd.alpha, "a": values.bgnbd.a, "b": values.bgnbd.b,
            "p": gg.p if gg else None, "q": gg.q if gg else None, "gamma": gg.gamma if gg else None,
        },
        "log_likelihood": values.bgnbd.log_likelihood, "penalizer": values.penalizer,
        "gamma_gamma_log_likelihood": gg.log_likelihood if gg else None,
        "expected_purchases": _round(values.expected_purchases.sum()),
        "total_clv": _round(values.clv.sum()), "mean_clv": _round(values.clv.mean()),
        "median_clv": _round(float(np.median(values.clv))),
        "mean_probability_alive": _round(values.probability_alive.mean(), 4),
        "deciles": deciles,
        "top_clients": [{
            "client_id": int(values.client_id[i]), "name": names.get(int(values.client_id[i]), {}).get("name"),
            "tier": names.get(int(values.client_id[i]), {}).get("tier"),
            "clv": _round(values.clv[i]), "expected_purchases": _round(values.expected_purchases[i], 3),
            "probability_alive": _round(values.probability_alive[i], 4),
            "expected_spend": _round(values.expected_spend[i]), "purchases": int(values.frequency[i]) + 1,
        } for i in top],
    }
    if holdout_until is not None and values.holdout_purchases is not None:
        length = (holdout_until - values.until).days / UNIT_DAYS[values.terms.unit]
        check = lifetime.holdout_check(values.bgnbd, values.frequency, values.recency, values.age,
                                       values.holdout_purchases, length)
        report["holdout"] = {"until": holdout_until.isoformat(), **check.as_dict()}
    return report


def churn_report(tables: Tables, values: ClientValues, *, at_risk_below: float, rhythm_multiple: float,
                 limit: int = 100) -> dict[str, Any]:
    """Clients slipping away: probability alive under ``at_risk_below``, or silent for more than
    ``rhythm_multiple`` of their usual gap between purchases; ranked by their last year's revenue,
    and the key accounts among them."""
    since = values.until - timedelta(days=364)
    recent = _aligned(values.client_id, tables.arrow(
        concentration.client_revenue(tables.revenue, since=since, until=values.until)))
    keys = {int(row["client_id"]) for row in tables.rows(
        concentration.key_accounts(tables.revenue, since=since, until=values.until).select("client_id"))}
    silent = values.days_since_last()
    gap = values.usual_gap_days()
    with np.errstate(invalid="ignore"):
        overdue = np.where(np.isfinite(gap) & (gap > 0), silent / np.where(gap > 0, gap, 1), np.nan)
        risky = (values.probability_alive < at_risk_below) | (np.nan_to_num(overdue, nan=0.0) > rhythm_multiple)
    at_risk = np.flatnonzero(risky)
    revenue = recent[at_risk]
    ranked = at_risk[np.lexsort((-values.total[at_risk], -revenue))]   # last year's revenue, then all time
    key_rows = [i for i in ranked if int(values.client_id[i]) in keys]
    key_count, key_rows = len(key_rows), key_rows[:limit]     # a million-client firm has thousands
    shown = list(dict.fromkeys([*key_rows, *ranked[:limit]]))
    names = _names(tables, [int(values.client_id[i]) for i in shown])

    def row(i: int) -> dict[str, Any]:
        client = int(values.client_id[i])
        return {"client_id": client, "name": names.get(client, {}).get("name"),
                "tier": names.get(client, {}).get("tier"), "key_account": client in keys,
                "probability_alive": _round(values.probability_alive[i], 4),
                "days_since_last_purchase": int(silent[i]),
                "usual_gap_days": _round(gap[i], 1), "silence_in_gaps": _round(overdue[i], 2),
                "revenue_last_year": _round(recent[i]), "clv": _round(values.clv[i])}

    total_recent = float(recent.sum())
    risk_revenue = float(revenue.sum()) if len(revenue) else 0.0
    return {
        "engine": tables.engine, "currency": tables.reporting_currency, "as_of": values.until.isoformat(),
        "at_risk_below": at_risk_below, "rhythm_multiple": rhythm_multiple,
        "clients": len(values.client_id), "at_risk": len(at_risk),
        "revenue_at_risk": _round(risk_revenue),
        "revenue_at_risk_share": _round(risk_revenue / total_recent, 4) if total_recent else None,
        "key_accounts": len(keys), "key_accounts_at_risk_count": key_count,
        "key_accounts_at_risk": [row(i) for i in key_rows],
        "clients_at_risk": [row(i) for i in ranked[:limit]],
    }
