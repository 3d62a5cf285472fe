"""The advanced search form: rows of field and words combined with and/or/and not, a
year range, libraries, formats and languages. Sent, it becomes one query in the query
language (`search_state.build_query`) and the reader lands on the results page; the
results page's "Edit this advanced search" comes back here with the rows read back from
that query (`search_state.advanced_rows`)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from indexer.protocol import MAX_FACET_LIMIT, SearchQuery
from indexer.query import MAX_QUERY_CHARS
from portal.access import visibility_for_request
from portal.app import services
from portal.search import bp, unavailable
from portal.search_facets import FacetOption
from portal.search_labels import (
    FACET_LABELS,
    FIELD_LABELS,
    OPERATOR_LABELS,
    SORT_LABELS,
    value_label,
)
from portal.search_state import (
    PER_PAGE_CHOICES,
    SearchState,
    advanced_rows,
    build_query,
    clean_text,
    year_arg,
)

ADVANCED_ROWS = 4
MAX_ADVANCED_ROWS = 12


@bp.get("/advanced")
def advanced() -> ResponseReturnValue:
    args = request.args
    fields = args.getlist("field")[:MAX_ADVANCED_ROWS]
    terms = [clean_text(t) for t in args.getlist("term")[:MAX_ADVANCED_ROWS]]
    ops = args.getlist("op")[: MAX_ADVANCED_ROWS - 1]
    # Errors by the id of the field they are about, in the order the form shows them.
    errors: dict[str, str] = {}
    if "term" in args or "field" in args:  # the form was sent (its inputs always are)
        rows = [
            (ops[i - 1] if 0 < i <= len(ops) else "AND", fields[i] if i < len(fields) else "all", t)
            for i, t in enumerate(terms)
        ]
        q = build_query(rows)
        state = SearchState.from_args(args)
        state.q = q
        state.page = 1
        first_term = f"term-{next((i + 1 for i, t in enumerate(terms) if t), 1)}"
        if len(q) > MAX_QUERY_CHARS:
            errors[first_term] = _("Your search is too long: use fewer or shorter words.")
        elif not (q or state.has_filters):
            errors["term-1"] = _("Type at least one word, or choose a filter, then search again.")
        year_errors = {  # each says which box it is about: the summary lists both
            "year_from": _("From year: enter up to four digits, such as 1998, or leave it empty."),
            "year_to": _("To year: enter up to four digits, such as 2005, or leave it empty."),
        }
        for name, field_id in (("year_from", "adv-year-from"), ("year_to", "adv-year-to")):
            raw = clean_text(args.get(name, ""))
            if raw and year_arg(raw) is None:
                errors[field_id] = year_errors[name]
        if not errors:
            return redirect(state.url(), code=303)
    elif "q" in args:  # "Edit this advanced search": the rows that wrote the query
        rows = advanced_rows(clean_text(args["q"])) or []
        ops = [op for op, _field, _term in rows[1:]]
        fields = [field for _op, field, _term in rows]
        terms = [term for _op, _field, term in rows]
    rows_shown = max(ADVANCED_ROWS, len(terms))
    form_rows = [
        {
            "n": i + 1,
            "field": fields[i] if i < len(fields) and fields[i] in FIELD_LABELS else "all",
            "term": terms[i] if i < len(terms) else "",
            "op": ops[i - 1] if 0 < i <= len(ops) and ops[i - 1] in OPERATOR_LABELS else "AND",
        }
        for i in range(rows_shown)
    ]
    state = SearchState.from_args(args)
    try:
        result = services().index.search(
            SearchQuery(
                q="",
                facets=["library", "format", "language"],
                facet_limit=MAX_FACET_LIMIT,
                per_page=1,
                visibility=visibility_for_request(),
            )
        )
    except Exception:
        current_app.logger.exception("search backend failed building the advanced search form")
        return unavailable()
    choices = {
        name: [
            FacetOption(
                value=fc.value,
                label=value_label(name, fc.value),
                count=fc.count,
                selected=fc.value in state.filters.get(name, []),
                id=f"adv-{name}-{i}",
            )
            for i, fc in enumerate(result.facets.get(name, []))
        ]
        for name in ("library", "format", "language")
    }
    page = render_template(
        "search/advanced.html",
        rows=form_rows,
        field_labels=FIELD_LABELS,
        operator_labels=OPERATOR_LABELS,
        sort_labels=SORT_LABELS,
        facet_labels=FACET_LABELS,
        choices=choices,
        state=state,
        online=state.filters.get("online", []) == ["true"],
        errors=errors,
        error_order=[f"term-{row['n']}" for row in form_rows] + ["adv-year-from", "adv-year-to"],
        raw_years={name: clean_text(args.get(name, ""))[:10] for name in ("year_from", "year_to")},
        per_page_choices=PER_PAGE_CHOICES,
        max_query_chars=MAX_QUERY_CHARS,
    )
    return page, 400 if errors else 200
