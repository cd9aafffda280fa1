from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("baru/", views.subscription_create, name="create"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/ubah/", views.subscription_edit, name="edit"),
    path("<int:pk>/pengiriman/", views.delivery_list, name="deliveries"),
    path("<int:pk>/pengiriman/<uuid:delivery_id>/", views.delivery_detail, name="delivery"),
    path("<int:pk>/pengiriman/<uuid:delivery_id>/kirim-ulang/", views.delivery_redeliver, name="redeliver"),
    path("<int:pk>/<slug:action>/", views.subscription_action, name="action"),
]
