"""The managers' dashboard: figures, trends, the per-branch table, drill-down lists, CSV.

Views parse the filters, call reports.figures, render. Every number is counted inside the
reader's scope (claims_for_staff); a filter pointing outside it finds nothing.
"""

import csv
import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from claims.models import Branch, Channel, Programme, Region
from core.staff import is_branch_manager, is_manager_on_duty, is_national, staff_only
from reports.figures import (
    DEFINITIONS,
    Filters,
    Period,
    PeriodKind,
    branches_in_scope,
    custom_period,
    dashboard_figures,
    drilldown,
    is_measure,
    month_period,
    regions_in_scope,
    week_period,
)
from reports.figures.dashboard import REMINDER_CHANNELS, TABLE_RATES
from reports.figures.definitions import REMINDER_BUCKETS, measure_label

SORTS = ("label", "ttd_median", *(name for name, _num, _den in TABLE_RATES))
# Query parameters of the filters, carried from page to page as they came (the period is spelled out).
FILTER_PARAMS = ("wilayah", "cabang", "program", "jalur")

FIRST_YEAR = 2015
PAGE_SIZE = 50


def _check_year(year: int) -> None:
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        raise forms.ValidationError(
            _("Pilih tanggal antara tahun %(first)d dan %(last)d.") % {"first": FIRST_YEAR, "last": last}
        )


def _check_date(value: dt.date | None) -> dt.date | None:
    if value is not None:
        _check_year(value.year)
    return value


class DashboardFilterForm(forms.Form):
    periode = forms.ChoiceField(
        label=gettext_lazy("Periode"),
        required=False,
        choices=[
            (PeriodKind.WEEK, gettext_lazy("Minggu")),
            (PeriodKind.MONTH, gettext_lazy("Bulan")),
            (PeriodKind.CUSTOM, gettext_lazy("Rentang tanggal")),
        ],
    )
    minggu = forms.DateField(
        label=gettext_lazy("Minggu yang memuat tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    bulan = forms.CharField(
        label=gettext_lazy("Bulan"), required=False, widget=forms.TextInput(attrs={"type": "month"}), max_length=7
    )
    dari = forms.DateField(label=gettext_lazy("Dari"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(
        label=gettext_lazy("Sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Empty until __init__ sets the user's scope.
    wilayah = forms.ModelChoiceField(
        label=gettext_lazy("Kantor wilayah"), queryset=Region.objects.none(), required=False
    )
    cabang = forms.ModelChoiceField(label=gettext_lazy("Kantor cabang"), queryset=Branch.objects.none(), required=False)
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"), queryset=Programme.objects.all(), required=False, to_field_name="code"
    )
    jalur = forms.ChoiceField(
        label=gettext_lazy("Jalur"), required=False, choices=[("", gettext_lazy("Semua jalur")), *Channel.choices]
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["wilayah"].queryset = regions_in_scope(user)
        self.fields["cabang"].queryset = branches_in_scope(user)
        self.fields["wilayah"].empty_label = gettext_lazy("Semua wilayah")
        self.fields["cabang"].empty_label = gettext_lazy("Semua cabang")
        self.fields["program"].empty_label = gettext_lazy("Semua program")
        self.fields["program"].label_from_instance = lambda programme: programme.code
        if not is_national(user):
            del self.fields["wilayah"]
        if is_branch_manager(user):
            del self.fields["cabang"]

    def clean_bulan(self) -> tuple[int, int] | None:
        value = self.cleaned_data["bulan"].strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            dt.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Tulis bulan sebagai TTTT-BB, misalnya 2026-03.")) from None
        _check_year(year)
        return year, month

    # A period's arithmetic (weeks, trend weeks before it) overflows at the calendar's ends
    # (years 1 and 9999: found by tests/fuzz); nothing before the service existed is counted.
    def clean_minggu(self):
        return _check_date(self.cleaned_data["minggu"])

    def clean_dari(self):
        return _check_date(self.cleaned_data["dari"])

    def clean_sampai(self):
        return _check_date(self.cleaned_data["sampai"])

    def selection(self):
        """(Filters, Period) from what is valid; anything invalid falls back to its default."""
        self.is_valid()
        # Keep what is valid field by field: one bad date must not drop the others.
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        today = timezone.localdate()
        kind = data.get("periode") or PeriodKind.MONTH
        if kind == PeriodKind.WEEK:
            period = week_period(data.get("minggu") or today)
        elif kind == PeriodKind.CUSTOM and data.get("dari") and data.get("sampai"):
            period = custom_period(data["dari"], data["sampai"])
        else:
            year, month = data.get("bulan") or (today.year, today.month)
            period = month_period(year, month)
        region, branch, programme = data.get("wilayah"), data.get("cabang"), data.get("program")
        filters = Filters(
            region_id=region.pk if region else None,
            branch_id=branch.pk if branch else None,
            programme_id=programme.pk if programme else None,
            channel=data.get("jalur") or "",
        )
        return filters, period


def _selection(request: HttpRequest) -> tuple[DashboardFilterForm, Filters, Period]:
    """Managers only; the form and what it selects (every dashboard view starts here)."""
    if not is_manager_on_duty(request.user):
        raise PermissionDenied
    form = DashboardFilterForm(request.GET, user=request.user)
    return form, *form.selection()


def _carried(request: HttpRequest, period: Period) -> dict[str, str]:
    """The query that reproduces this selection (the period spelled out as dates)."""
    params = {name: request.GET[name] for name in FILTER_PARAMS if request.GET.get(name)}
    params.update(periode=PeriodKind.CUSTOM, dari=period.start.isoformat(), sampai=period.end.isoformat())
    if period.kind == PeriodKind.WEEK:
        params.update(periode=PeriodKind.WEEK, minggu=period.start.isoformat())
    elif period.kind == PeriodKind.MONTH:
        params.update(periode=PeriodKind.MONTH, bulan=f"{period.start:%Y-%m}")
    return params


def _linker(carried: dict[str, str]):
    base = reverse("reports:dashboard_list")

    def link(measure: str, **params) -> str:
        query = dict(carried, m=measure)
        if "minggu" in params:
            for name in ("bulan", "dari", "sampai"):
                query.pop(name, None)
            query.update(periode=PeriodKind.WEEK, minggu=params.pop("minggu"))
        if "wilayah" in params:
            query.pop("cabang", None)
        query.update({name: value for name, value in params.items() if value is not None})
        return f"{base}?{urlencode(query)}"

    return link


@staff_only
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters, period = _selection(request)
    sort = request.GET.get("urut", "label")
    if sort not in SORTS:
        sort = "label"
    descending = request.GET.get("arah") == "turun"
    carried = _carried(request, period)
    figures = dashboard_figures(request.user, filters, period, link=_linker(carried), sort=sort, descending=descending)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "definitions": DEFINITIONS,
            "sort": sort,
            "descending": descending,
            "carried": urlencode(carried),
            "sort_links": {
                name: "?" + urlencode(dict(carried, urut=name, arah="naik" if sort == name and descending else "turun"))
                for name in SORTS
            },
            "row_word": _("Kantor wilayah") if figures.level == "region" else _("Kantor cabang"),
        },
    )


def _drilldown_request(request: HttpRequest):
    _form, filters, period = _selection(request)
    name = request.GET.get("m", "")
    if not is_measure(name):
        raise Http404
    bucket = request.GET.get("pengingat", "")
    channel = request.GET.get("saluran", "")
    columns, rows = drilldown(
        name,
        request.user,
        filters,
        period,
        now=timezone.now(),
        reminder_bucket=int(bucket) if bucket in {str(b) for b in REMINDER_BUCKETS} else None,
        reminder_channel=channel if channel in REMINDER_CHANNELS else "",
    )
    return name, period, columns, rows


@staff_only
@require_GET
def dashboard_list(request: HttpRequest) -> HttpResponse:
    name, period, columns, rows = _drilldown_request(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "reports/list.html",
        {
            "title": measure_label(name),
            "period": period,
            "headers": [header for header, _path in columns],
            "page": page,
            "csv_url": f"{reverse('reports:dashboard_list_csv')}?{request.GET.urlencode()}",
            "back_url": f"{reverse('reports:dashboard')}?{urlencode(_carried(request, period))}",
        },
    )


class _Echo:
    """csv.writer writes into this and gets the line back: nothing accumulates."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    # A spreadsheet runs a cell starting with these as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so a spreadsheet opens the file as UTF-8
        yield writer.writerow([str(cell) for cell in header])
        for row in rows:
            yield writer.writerow([_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_only
@require_GET
def dashboard_list_csv(request: HttpRequest) -> StreamingHttpResponse:
    name, period, columns, rows = _drilldown_request(request)
    return _csv_response(
        f"lapakasik-{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv",
        [header for header, _path in columns],
        rows.iterator(chunk_size=2000),
    )


@staff_only
@require_GET
def dashboard_table_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, filters, period = _selection(request)
    figures = dashboard_figures(request.user, filters, period)
    header = [
        _("Kantor wilayah") if figures.level == "region" else _("Kantor cabang"),
        _("Dikirim"),
        _("Unggah dokumen"),
        _("Batal unggah gagal/dokumen tidak lengkap"),
        _("Tingkat pembatalan elektronik (%)"),
        _("Video call"),
        _("Konfirmasi gagal"),
        _("Tingkat konfirmasi gagal (%)"),
        _("Tidak diangkat"),
        _("Tingkat tidak diangkat (%)"),
        _("Bagian unggah dokumen (%)"),
        _("Dokumen diunggah"),
        _("Ditolak otomatis"),
        _("Tingkat unggah ulang (%)"),
        _("Diputuskan"),
        _("Median hari sampai keputusan"),
        _("Persentil 90 hari sampai keputusan"),
        _("Ditandai"),
    ]

    def rows():
        for row in [*figures.rows, figures.total]:
            r = row.ratios
            yield [
                row.label or _("Jumlah"),
                r["electronic_share"].denominator,
                r["ecancel"].denominator,
                r["ecancel"].numerator,
                r["ecancel"].rate,
                r["failed_confirmation"].denominator,
                r["failed_confirmation"].numerator,
                r["failed_confirmation"].rate,
                r["no_show"].numerator,
                r["no_show"].rate,
                r["electronic_share"].rate,
                r["reupload"].denominator,
                r["reupload"].numerator,
                r["reupload"].rate,
                row.decided,
                row.ttd_median,
                row.ttd_p90,
                " ".join(sorted(row.flags)),
            ]

    return _csv_response(f"lapakasik-dasbor-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv", header, rows())
