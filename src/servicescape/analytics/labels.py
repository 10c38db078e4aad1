"""The analytics' names as a reader sees them: segments, groupings, numbers in the reader's locale."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_compact_decimal, format_decimal, format_percent

from servicescape.i18n import N_, _, ngettext, pgettext

NONE = "—"

SEGMENT_HINTS: dict[str, str] = {
    "champions": N_("Bought recently and often"),
    "loyal": N_("Buy often; not the very latest"),
    "potential_loyalists": N_("Recent, bought more than once"),
    "new": N_("Bought for the first time, recently"),
    "promising": N_("Recent, one purchase"),
    "need_attention": N_("Middling on both"),
    "about_to_sleep": N_("Fading: few purchases, a while ago"),
    "at_risk": N_("Bought more often than most, but long ago"),
    "cannot_lose": N_("Were the most frequent; silent for long"),
    "hibernating": N_("Few purchases, long ago"),
    "other": N_("Outside the named cells"),
    "none": N_("Had not bought yet"),
}
GROUPING_LABELS: dict[str, str] = {
    "year": N_("Year"), "segment": N_("Segment"), "market": N_("Market"), "package": N_("Service package"),
}


def segment_label(key: str) -> str:
    """An RFM segment's name (its own context: "New" here is not a new record's "New")."""
    names = {
        "champions": pgettext("rfm segment", "Champions"),
        "loyal": pgettext("rfm segment", "Loyal"),
        "potential_loyalists": pgettext("rfm segment", "Potential loyalists"),
        "new": pgettext("rfm segment", "New"),
        "promising": pgettext("rfm segment", "Promising"),
        "need_attention": pgettext("rfm segment", "Need attention"),
        "about_to_sleep": pgettext("rfm segment", "About to sleep"),
        "at_risk": pgettext("rfm segment", "At risk"),
        "cannot_lose": pgettext("rfm segment", "Cannot lose them"),
        "hibernating": pgettext("rfm segment", "Hibernating"),
        "other": pgettext("rfm segment", "Other"),
        "none": pgettext("rfm segment", "Not a client yet"),
    }
    return names.get(key, key)


def segment_hint(key: str) -> str:
    return _(SEGMENT_HINTS[key]) if key in SEGMENT_HINTS else ""


def unconverted(counts: dict[str, int], numbers: Numbers) -> str:
    """Invoices left out for want of an exchange rate: "313 invoices in EUR, 2 invoices in USD"."""
    return ", ".join(ngettext("%(count)s invoice in %(currency)s", "%(count)s invoices in %(currency)s", count,
                              count=numbers.number(count), currency=currency)
                     for currency, count in sorted(counts.items()))


@dataclass(frozen=True)
class Numbers:
    """Numbers as the reader's locale writes them."""

    locale: str

    def percent(self, share: float | None) -> str:
        return NONE if share is None else format_percent(share, format="#,##0.#%", locale=self.locale)

    def money(self, amount: float | None, currency: str | None = None) -> str:
        if amount is None:
            return NONE
        digits = format_decimal(round(amount), format="#,##0", locale=self.locale)
        return f"{digits} {currency}" if currency else digits

    def compact_money(self, amount: float | None, currency: str | None = None) -> str:
        """A large amount shortened for a figure card ("12.2M EUR", "12,2 M EUR")."""
        if amount is None:
            return NONE
        if abs(amount) < 100_000:
            return self.money(amount, currency)
        digits = format_compact_decimal(amount, format_type="short", locale=self.locale, fraction_digits=1)
        return f"{digits} {currency}" if currency else digits

    def number(self, value: float | None, places: int = 0) -> str:
        if value is None:
            return NONE
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(round(value, places), format=pattern, locale=self.locale)
