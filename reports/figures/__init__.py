"""The figures managers watch (DOMAIN.md), by branch, region, programme, channel and week.

definitions.py  what each figure counts (the one place), and the text shown beside it
periods.py      weeks and periods in each branch's own time zone
scope.py        whose claims (the console's claims_for_staff) and the table's rows
compute.py      the grouped SQL counts and percentiles
dashboard.py    dashboard_figures(): everything one page shows (counts cached briefly)
drilldown.py    the rows behind any number, for the lists and the CSV exports
summary.py      the weekly e-mail to each manager
"""

from .dashboard import Dashboard, dashboard_counts, dashboard_figures, rate
from .definitions import DEFINITIONS, MEASURES
from .drilldown import drilldown, is_measure
from .periods import Period, PeriodKind, custom_period, month_period, week_period
from .scope import Filters, branches_in_scope, regions_in_scope

__all__ = [
    "DEFINITIONS",
    "MEASURES",
    "Dashboard",
    "Filters",
    "Period",
    "PeriodKind",
    "branches_in_scope",
    "custom_period",
    "dashboard_counts",
    "dashboard_figures",
    "drilldown",
    "is_measure",
    "month_period",
    "rate",
    "regions_in_scope",
    "week_period",
]
