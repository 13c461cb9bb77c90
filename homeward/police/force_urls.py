"""The force pages, under People (administrators): forces, their councils and API tokens."""

from django.urls import path

from homeward.police import forces

app_name = "forces"

urlpatterns = [
    path("people/forces/", forces.index, name="index"),
    path("people/forces/new/", forces.create, name="create"),
    path("people/forces/<int:pk>/", forces.detail, name="detail"),
    path("people/forces/<int:pk>/councils/", forces.councils, name="councils"),
    path("people/forces/<int:pk>/tokens/new/", forces.issue, name="issue"),
    path("people/forces/tokens/<int:pk>/rotate/", forces.rotate, name="rotate"),
    path("people/forces/tokens/<int:pk>/revoke/", forces.revoke, name="revoke"),
]
