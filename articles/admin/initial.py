"""Initial values from an add form's query string (``/admin/articles/article/add/?author=3``): Django's admin fills
the form with them as they were typed, and "abc" for an author, a number too large for any id or "junk" for a date
made the form answer 500. Each is converted as its model field converts it, and left out when it cannot be."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

# Left out of the initial values: the form then shows the field's own default.
_INVALID = object()


def _converted(model, name, value):
    """`value` as the field `name` of `model` holds it (a list stays a list), or _INVALID; a name that is no model
    field is kept as typed: no form field of ours renders it (Django passes every parameter along)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if isinstance(field, models.FileField):  # a file comes from an upload, never from a link
        return _INVALID
    # A relation's value is its target's: the id, checked as an id (an integer within the column's range).
    target = field.target_field if field.is_relation else field
    try:
        if isinstance(value, list):
            return [target.clean(item, None) for item in value]
        return target.clean(value, None)
    except (ValidationError, TypeError, ValueError):
        return _INVALID


class InitialValuesMixin:
    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        converted = {name: _converted(self.model, name, value) for name, value in initial.items()}
        return {name: value for name, value in converted.items() if value is not _INVALID}
