"""The article list's views in the last 24 hours and 7 days (articles/most_read.py counts them), sortable.

The counts are not in the database (no write per view), so the columns are filled for the page of articles shown,
one call to the store; sorting by one orders the list by the most read in that window (at most `SORTED` of them, the
rest after, newest first), through a CASE on their ids."""

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When

from articles import most_read

WINDOWS = {"views_24h": 24, "views_7d": 7 * 24}
# How many of the most read a sort by views orders by their count.
SORTED = 500


class ViewCountsMixin:
    @admin.display(description="xem 24 giờ", ordering="views_24h")
    def views_24h(self, obj):
        return obj.views.get("views_24h", 0) if hasattr(obj, "views") else 0

    @admin.display(description="xem 7 ngày", ordering="views_7d")
    def views_7d(self, obj):
        return obj.views.get("views_7d", 0) if hasattr(obj, "views") else 0

    def get_queryset(self, request):
        """Sorted by views: the most read of that window first, by their counts (a CASE on their ids)."""
        queryset = super().get_queryset(request)
        # The columns as the list numbers them in `o` (ModelAdmin.get_changelist_instance: the checkbox first).
        columns = ["action_checkbox"] * bool(self.get_actions(request)) + list(self.get_list_display(request))
        for part in request.GET.get("o", "").split("."):
            number = part.lstrip("-")
            if number.isdigit() and int(number) < len(columns) and columns[int(number)] in WINDOWS:
                name = columns[int(number)]
                hours = WINDOWS[name]
                counts = most_read.views(most_read.top(SORTED, hours), hours)
                whens = [When(pk=pk, then=Value(count)) for pk, count in counts.items()]
                queryset = queryset.annotate(**{name: Case(*whens, default=Value(0), output_field=IntegerField())})
        return queryset

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            articles = list(changelist.result_list)
            ids = [article.pk for article in articles]
            counts = {name: most_read.views(ids, hours) for name, hours in WINDOWS.items()}
            for article in articles:
                article.views = {name: counts[name][article.pk] for name in WINDOWS}
            changelist.result_list = articles
        return response
