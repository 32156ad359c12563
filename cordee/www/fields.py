"""Form fields shared by the pages."""

from django import forms

from cordee.core.ids import as_id


class ModelKeysField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` that refuses a value which cannot be a key (not ASCII digits, or beyond what a
    database holds) as an invalid choice, before any query: Django's own field lets a number ≥ 2⁶³ reach an
    ``IN`` that SQLite cannot compare (a 500)."""

    def _check_values(self, value):
        for item in value:
            if as_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)
