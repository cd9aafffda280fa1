from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from layan.core import twofactor
from layan.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("masuk/dua-langkah/", twofactor.verify, name="twofactor-verify"),
    path("masuk/dua-langkah/daftar/", twofactor.enrol, name="twofactor-enrol"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("staf/audit/", core_views.audit_log, name="audit-log"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("layan.reports.urls")),
    path("", include("layan.deadlines.urls")),
    path("", include("layan.charter.urls")),
    path("staf/webhook/", include("layan.webhooks.urls")),
    path("api/", include("layan.api.urls")),
    path("", include("layan.channels.urls")),
    path("", include("layan.routing.urls")),
    path("open311/", include("layan.api.open311.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
