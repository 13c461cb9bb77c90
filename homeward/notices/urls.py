from django.urls import path

from homeward.notices import views

app_name = "notices"

urlpatterns = [
    path("placing-councils/", views.index, name="index"),
    path("episodes/<int:pk>/placing-council/<str:kind>/", views.send, name="send"),
    path(
        "episodes/<int:pk>/placing-council/<str:kind>/<int:interview_pk>/",
        views.send,
        name="send-outcome",
    ),
    path("episodes/<int:pk>/placing-council/<str:kind>/told/", views.told, name="told"),
    path(
        "episodes/<int:pk>/placing-council/<str:kind>/<int:interview_pk>/told/",
        views.told,
        name="told-outcome",
    ),
    path(
        "placing-council-notices/<int:pk>/acknowledged/",
        views.acknowledged_otherwise,
        name="acknowledged-otherwise",
    ),
    path("acknowledge/<str:token>/", views.acknowledge, name="acknowledge"),
]
