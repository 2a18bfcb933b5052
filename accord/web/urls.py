from django.contrib.auth import views as auth_views
from django.urls import path

from accord.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="language"),
    path("switch/", views.switch_workspace, name="switch"),
    path("w/<slug:slug>/audit/", views.audit, name="audit"),
    path("healthz", views.healthz, name="healthz"),
]
