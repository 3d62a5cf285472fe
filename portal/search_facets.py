"""The results page's filters: facet groups, the chips of chosen filters, the year histogram.

All built from the facet counts of the page's one search (`SearchState.search_query`
asks for them), so narrowing a search never costs a second one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _

from indexer.protocol import FacetCount, SearchResult
from portal.i18n import current_language
from portal.search_labels import (
    FACET_LABELS,
    count_texts_in,
    facet_label_in,
    value_label,
    value_label_in,
)
from portal.search_state import FACET_FETCH, PAGE_FACETS, SearchState

YEAR_BIN = 10  # a decade; a result within one decade is shown year by year
MAX_YEAR_BINS = 40  # rows the histogram may fill in between its first and last bin
FACET_SHOWN = 8  # shown at once; the rest behind "more"


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None
    selected: bool
    id: str
    count_text: str = ""  # the count as the reader writes numbers
    works_text: str = ""  # "12 works", for screen readers


@dataclass
class FacetGroup:
    name: str
    legend: str
    shown: list[FacetOption]
    more: list[FacetOption]


def facet_groups(
    state: SearchState, result: SearchResult, language: str | None = None
) -> list[FacetGroup]:
    language = language or current_language()
    estimated = not result.total_exact  # counted on a sample: every count an estimate
    groups = []
    for name in PAGE_FACETS:
        counts = {fc.value: fc.count for fc in result.facets.get(name, [])[:FACET_FETCH]}
        selected = state.filters.get(name, [])
        options = []
        values = list(dict.fromkeys([*selected, *counts]))
        if name == "year":
            values = list(selected)  # years are chosen as a range; listed only if set
        elif name == "online":
            values = [v for v in values if v == "true" or v in selected]  # "not online" is noise
        for i, value in enumerate(values):
            count = counts.get(value)
            count_text, works = (
                ("", "") if count is None else count_texts_in(language, count, estimated)
            )
            options.append(
                FacetOption(
                    value=value,
                    label=value_label_in(language, name, value),
                    count=count,
                    selected=value in selected,
                    id=f"facet-{name}-{i}",
                    count_text=count_text,
                    works_text=works,
                )
            )
        if name != "year" and not options:
            continue
        # Selected values first, so a choice never hides behind "more".
        options.sort(key=lambda o: not o.selected)
        cut = max(FACET_SHOWN, sum(o.selected for o in options))
        groups.append(
            FacetGroup(
                name=name,
                legend=facet_label_in(language, name),
                shown=options[:cut],
                more=options[cut:],
            )
        )
    return groups


@dataclass
class YearBin:
    """One bar of the year histogram: a decade (or a year) and the works in it."""

    low: int
    high: int
    count: int
    label: str  # "1990–1999", or "1995"
    url: str  # this search narrowed to the bin (year_from/year_to)
    count_text: str
    works_text: str  # "12 works", for screen readers
    width: int  # the bar's length, in 5 % steps of the largest bin (CSS classes)
    current: bool  # the page's year range is this bin


def year_histogram(
    state: SearchState,
    counts: list[FacetCount],
    language: str | None = None,
    estimated: bool = False,
) -> list[YearBin]:
    """The result's works per decade, oldest first, each linking to the search within it.

    Built from the year facet the page's one search already counted (no second search).
    A work whose records carry different years counts in each of their decades. When
    every year falls in one decade the bins are single years, so the list still narrows.
    Empty decades between the first and the last are listed too (a timeline shows its
    gaps), unless that would make more than MAX_YEAR_BINS rows; they link nowhere.
    Counts `estimated` on a sample are shown as such (`count_texts_in`).
    """
    language = language or current_language()
    years: Counter[int] = Counter()
    for fc in counts:
        try:
            years[int(fc.value)] += fc.count
        except ValueError:
            continue
    if not years:
        return []
    width = YEAR_BIN
    if min(years) // YEAR_BIN == max(years) // YEAR_BIN:
        width = 1
    bins: Counter[int] = Counter()
    for year, count in years.items():
        bins[year - year % width] += count
    largest = max(bins.values())
    lows = sorted(bins)
    if (lows[-1] - lows[0]) // width < MAX_YEAR_BINS:
        lows = list(range(lows[0], lows[-1] + 1, width))
    out = []
    for low in lows:
        high = low + width - 1
        count = bins[low]
        count_text, works = count_texts_in(language, count, estimated and count > 0)
        out.append(
            YearBin(
                low=low,
                high=high,
                count=count,
                label=str(low) if width == 1 else f"{low}–{high}",
                url=state.url(years=(low, high)) if count else "",
                count_text=count_text,
                works_text=works,
                width=max(5, round(count * 20 / largest) * 5) if count else 0,
                current=(state.year_from, state.year_to) == (low, high),
            )
        )
    return out


def filter_chips(state: SearchState) -> list[dict[str, str]]:
    """Selected filters, each with the link that removes it."""
    chips = []
    for facet, values in state.filters.items():
        for value in values:
            chips.append(
                {
                    "facet": str(FACET_LABELS[facet]),
                    "value": value_label(facet, value),
                    "url": state.url(without=(facet, value)),
                }
            )
    if state.has_year_range:
        low, high = state.year_from, state.year_to
        if low is not None and high is not None:
            text = f"{low}–{high}" if low != high else str(low)
        elif low is not None:
            text = _("from %(year)s", year=low)
        else:
            text = _("up to %(year)s", year=high)
        chips.append(
            {"facet": str(FACET_LABELS["year"]), "value": text, "url": state.url(year=False)}
        )
    return chips
