from django.urls import path

from homeward.in_error import views

app_name = "in_error"

urlpatterns = [
    path("records/<str:kind>/<int:pk>/entered-in-error/", views.mark, name="mark"),
    path("records/<str:kind>/<int:pk>/entered-in-error/undo/", views.undo, name="undo"),
    path("children/<int:pk>/merge/", views.merge, name="merge"),
    path("children/<int:pk>/unmerge/", views.unmerge, name="unmerge"),
]
