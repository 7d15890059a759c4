"""PDF renderings of the reports (50-reports §10): a document a person would hand to a client.

Every report gets the same first page: title, workspace, period, filters, totals, a bar chart of the
time per local day (per week or month for long periods) and a breakdown by the report's grouping
with durations and shares; the report's table follows and runs over as many pages as it needs, its
header repeated on each, "Page N of M" in every footer. Landscape A4.

The detailed PDF holds every matching entry (O-70), up to a year of a large workspace, so its table
is drawn straight onto a ``reportlab`` canvas row by row from an iterator: nothing but the canvas's
own page streams is kept, the rows are never collected into a list or a platypus story. The page
total is unknown until the last row, so each footer draws a form (PDF XObject) that is defined once
at the end — the "deferred total" the PDF format allows without a second pass over the rows.

The renderers take result objects only and never read the database: what a PDF needs beyond the
report objects (chart buckets, the project breakdown of the detailed report, readable filter names)
is computed before, by ``reports.overview``, into the values of ``pdf.model``. reportlab is imported
by this package only: ``layout`` (fonts, geometry, the document), ``tables``, ``charts`` (the first
page) and one module per report, each with its ``render``.
"""


from punchclock.reports.pdf import detailed, summary, weekly
from punchclock.reports.pdf.model import Bar, Chart, Meta, Share

__all__ = ["Bar", "Chart", "Meta", "Share", "detailed", "summary", "weekly"]
