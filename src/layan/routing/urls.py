"""Routing pages: the administrators' models and policy page (``views_models``), the review of duplicate candidates
and held reports (``views_review``) and the citizen's "is this your problem?" while typing (``views_public``)."""

from . import views_models, views_public, views_review

app_name = "routing"
urlpatterns = views_models.urlpatterns + views_review.urlpatterns + views_public.urlpatterns
