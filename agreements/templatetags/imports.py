"""How an import's preview names its columns and values: headers and choice labels in the reader's language."""

from django import template

from agreements.imports.columns import BY_KEY, CHOICES

register = template.Library()


@register.filter
def column_header(key):
    column = BY_KEY.get(key)
    return column.header if column else key


@register.filter
def column_value(value, key):
    """A choice's code as its label (`{{ change.new|column_value:change.column }}`); anything else as it is."""
    choices = CHOICES.get(key)
    if choices and value:
        try:
            return choices(value).label
        except ValueError:
            return value
    return value
