from django.urls import path

from . import views

app_name = "charter"
urlpatterns = [
    path("layanan/", views.catalogue, name="list"),
    path("layanan/<slug:code>/", views.service_detail, name="detail"),
    path("maklumat/<slug:slug>/", views.maklumat_page, name="maklumat"),
]
