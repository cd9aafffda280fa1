"""/open311/: GeoReport v2 under v2/, its discovery document at discovery.{json,xml} (also under v2/)."""

from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "open311fmt")

app_name = "open311"

urlpatterns = [
    path("discovery.<open311fmt:fmt>", views.discovery, name="discovery"),
    path("v2/", views.discovery, name="v2"),
    path("v2/discovery.<open311fmt:fmt>", views.discovery, name="v2-discovery"),
    path("v2/services.<open311fmt:fmt>", views.service_list, name="services"),
    path("v2/services/<str:service_code>.<open311fmt:fmt>", views.service_definition, name="service"),
    path("v2/requests.<open311fmt:fmt>", views.service_requests, name="requests"),
    path("v2/requests/<str:service_request_id>.<open311fmt:fmt>", views.service_request, name="request"),
    path("v2/tokens/<str:token>.<open311fmt:fmt>", views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found_any, name="not-found"),
]
