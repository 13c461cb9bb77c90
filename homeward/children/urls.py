from django.urls import path

from homeward.children import views

app_name = "children"

urlpatterns = [
    path("children/", views.search, name="search"),
    path("children/new/", views.create, name="create"),
    path("children/<int:pk>/", views.detail, name="detail"),
]
