from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("staf/kinerja/", views.staff_stats, name="staff-stats"),
    path("staf/kinerja/unduh.<str:fmt>", views.staff_export, name="staff-export"),
    path("staf/kinerja/terbitkan/", views.publish_view, name="publish"),
    path("kinerja/", views.published_list, name="published-list"),
    path("kinerja/<int:pk>/", views.published_detail, name="published-detail"),
    path("kinerja/<int:pk>/unduh.<str:fmt>", views.published_export, name="published-export"),
]
