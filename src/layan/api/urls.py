"""/api/: the REST API v1 under v1/, its OpenAPI 3 schema at schema/ and the browsable docs at docs/ (Swagger UI
served from our own static files by drf-spectacular-sidecar). Any other address under /api/ is a JSON 404."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("regions", views.RegionViewSet, basename="region")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("services", views.ServiceViewSet, basename="service")

v1 = [
    *router.urls,
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's configuration as a script file, not inline: no CSP relaxation needed
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", views.ApiNotFound.as_view(), name="not-found"),
]
