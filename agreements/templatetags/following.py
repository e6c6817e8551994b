from django import template

from ..following.follows import is_following

register = template.Library()


@register.simple_tag(takes_context=True)
def follows(context, agreement):
    """{% follows agreement as following %}: does the signed-in user follow it?"""
    request = context.get("request")
    return request is not None and is_following(request.user, agreement)
