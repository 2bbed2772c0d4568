"""Searching few rows by name without accents or case ("hoang" finds "HOÀNG ANH", "mua nuoc" finds "Mùa nước nổi"):
people and running stories are few, so their names are folded here (``text.fold``) rather than kept folded in a column
as tags' are (``Tag.folded``, searched in SQL by admin/tags.py)."""

from articles.text import fold


class FoldedNameSearch:
    """The admin's search box and autocomplete over `folded_search_fields`, each folded, holding what was typed."""

    folded_search_fields = ("name",)

    def get_search_results(self, request, queryset, search_term):
        folded = fold(search_term).strip()
        if not folded:
            return queryset, False
        rows = queryset.values_list("pk", *self.folded_search_fields)
        ids = [pk for pk, *names in rows if any(name and folded in fold(name) for name in names)]
        return queryset.filter(pk__in=ids), False
