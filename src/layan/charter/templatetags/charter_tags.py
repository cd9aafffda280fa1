"""Filters for the catalogue pages: a service's time and cost in words (the rules live in charter.services)."""

from django import template

from layan.charter import services

register = template.Library()


@register.filter
def duration(service):
    return services.duration_in_words(service)


@register.filter
def cost(service):
    return services.cost_in_words(service)
