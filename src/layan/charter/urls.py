app_name = "charter"
urlpatterns = []
