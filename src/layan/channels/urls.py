from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("kanal/<slug:provider_name>/webhook/", views.webhook, name="webhook"),
]
