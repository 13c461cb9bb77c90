from django.urls import path

from homeward.children import views

app_name = "children"

urlpatterns = [
    path("my-children/", views.mine, name="mine"),
    path("children/", views.search, name="search"),
    path("children/new/", views.create, name="create"),
    path("children/<int:pk>/", views.detail, name="detail"),
    path("children/<int:pk>/edit/", views.child_edit, name="edit"),
    path("children/<int:pk>/history/", views.child_history, name="history"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement-edit"),
    path("placements/<int:pk>/history/", views.placement_history, name="placement-history"),
]
