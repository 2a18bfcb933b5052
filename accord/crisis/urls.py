"""Crisis pages, under /w/<workspace slug>/crisis/."""

from django.urls import path

from accord.crisis import views

app_name = "crisis"

C = "w/<slug:slug>/crisis/"
A = C + "alerts/<int:alert_id>/"

urlpatterns = [
    path(C, views.alert_list, name="alerts"),
    path(A, views.alert_detail, name="alert"),
    path(A + "ack/", views.alert_ack, name="ack"),
    path(C + "planned/", views.activities, name="activities"),
    path(C + "planned/<int:activity_id>/delete/", views.activity_delete, name="activity_delete"),
    path(C + "settings/", views.delivery_settings, name="settings"),
]
