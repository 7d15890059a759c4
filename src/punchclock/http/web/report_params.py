"""The report pages' GET form -> the Reports v2 parameters -> ``ReportFilters``, by the API's own parser.

The form's fields carry the Reports v2 names (``project_ids``, ``client_ids``, ``user_ids``,
``members_of_group_ids``, ``tag_ids``, ``billable``, ``description``, ``grouping``…), so the page, its
downloads and ``/reports/api/v2`` read one query the same way (``http.reports.params.filters``). The web
adds only the range preset (``range``), resolved here into ``since`` and ``until`` in the viewer's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from punchclock.domain.actor import UserRecord
from punchclock.http.reports import params
from punchclock.http.web import report_ranges
from punchclock.reports import summary
from punchclock.reports.days import local_today
from punchclock.reports.filters import ReportFilters
from punchclock.reports.results import Dimension

#: The id filters the form offers, in form order.
ID_FIELDS = ("project_ids", "client_ids", "user_ids", "members_of_group_ids", "tag_ids")
SUMMARY_GROUPINGS = tuple(d.value for d in summary.GROUPINGS)
WEEKLY_GROUPINGS = ("projects", "users")


@dataclass(frozen=True, slots=True)
class ReportForm:
    """What the filter form shows and the page asks for: read from the query string, nothing checked yet."""

    kind: str
    preset: str
    since: str
    until: str
    #: Chosen values of each id filter, as sent (``0``: "without project / client / tag").
    chosen: dict[str, list[str]] = field(default_factory=dict)
    billable: str = "both"
    description: str = ""
    grouping: str = "projects"
    subgrouping: str = "time_entries"
    page: int = 1
    workspace_id: str = ""
    #: How the downloads write durations: ``decimal`` hours for people who read them so, else ``H:MM:SS``.
    display_hours: str = "minutes"

    def picked(self, name: str, value: object) -> bool:
        return str(value) in self.chosen.get(name, [])

    def items(self, *, pinned: tuple[date, date] | None = None, page: bool = False) -> list[tuple[str, str]]:
        """The query as (name, value) pairs; ``pinned``: a custom range of exactly those days."""
        preset, since, until = self.preset, self.since, self.until
        if pinned is not None:
            preset, since, until = "custom", pinned[0].isoformat(), pinned[1].isoformat()
        out = [("range", preset), ("since", since), ("until", until)]
        if self.workspace_id:
            out.append(("workspace_id", self.workspace_id))
        out += [(name, v) for name in ID_FIELDS for v in self.chosen.get(name, [])]
        out += [("billable", self.billable), ("description", self.description)]
        out += [("grouping", self.grouping)]
        if self.kind == "summary":
            out.append(("subgrouping", self.subgrouping))
        if pinned is not None:
            out.append(("display_hours", self.display_hours))
        if page and self.page > 1:
            out.append(("page", str(self.page)))
        return [(k, v) for k, v in out if v != ""]

    def query(self, *, pinned: tuple[date, date] | None = None, page: bool = False) -> str:
        return urlencode(self.items(pinned=pinned, page=page))


def subgroupings(grouping: str) -> list[str]:
    """The summary's sub-groupings allowed under ``grouping`` (the API's matrix), the default first."""
    return [d.value for d in summary.ALLOWED[Dimension(grouping)]]


def _grouping(kind: str, query: QueryParams) -> tuple[str, str]:
    """The grouping (and the summary's sub-grouping), any unknown or disallowed value replaced by the default."""
    grouping = query.get("grouping", "projects")
    if kind == "weekly":
        return (grouping if grouping in WEEKLY_GROUPINGS else "projects"), "time_entries"
    if grouping not in SUMMARY_GROUPINGS:
        grouping = "projects"
    allowed = subgroupings(grouping)
    subgrouping = query.get("subgrouping", allowed[0])
    return grouping, subgrouping if subgrouping in allowed else allowed[0]


def _page(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


def read_form(kind: str, query: QueryParams, user: UserRecord) -> ReportForm:
    """The form of ``query``: a preset range becomes its dates (the viewer's today and week start)."""
    since, until = query.get("since", "").strip(), query.get("until", "").strip()
    preset = query.get("range") or ("custom" if since or until else report_ranges.DEFAULT)
    if preset not in report_ranges.PRESETS:
        preset = report_ranges.DEFAULT
    days = report_ranges.preset_range(preset, local_today(user.timezone), user.beginning_of_week)
    if days is not None:
        since, until = days[0].isoformat(), days[1].isoformat()
    grouping, subgrouping = _grouping(kind, query)
    billable = query.get("billable", "both")
    display_hours = query.get("display_hours") or ("decimal" if user.duration_format == "decimal" else "minutes")
    return ReportForm(
        kind=kind, preset=preset, since=since, until=until,
        chosen={name: [v.strip() for v in query.getlist(name) if v.strip()] for name in ID_FIELDS},
        billable=billable if billable in ("yes", "no", "both") else "both",
        description=query.get("description", "").strip(), grouping=grouping, subgrouping=subgrouping,
        page=_page(query.get("page")), workspace_id=query.get("workspace_id", "").strip(),
        display_hours=display_hours if display_hours in ("decimal", "minutes") else "minutes",
    )


def api_params(form: ReportForm) -> params.Params:
    """The form as the Reports v2 query the API's readers take."""
    return params.Params(QueryParams(form.items()))


def report_filters(form: ReportForm, workspace_id: int, user: UserRecord) -> ReportFilters:
    """The API's filters for the form (``Malformed`` for a bad date, id or span, as the API says)."""
    return params.filters(api_params(form), workspace_id, local_today(user.timezone), weekly=form.kind == "weekly")
