"""{{ update.author|credited }} → "Luis Rondón (MPPIPN)": accounts named as the people they belong to."""

from django import template

from agreements.people import credited_name

register = template.Library()


@register.filter
def credited(user):
    return credited_name(user)
