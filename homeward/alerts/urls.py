from django.urls import path

from homeward.alerts import views

app_name = "alerts"

urlpatterns = [
    path("accounts/alerts/", views.preferences, name="preferences"),
    path("emails/", views.emails, name="emails"),
    path("emails/<int:pk>/retry/", views.retry, name="retry"),
    path("demo/mail/", views.demo_mail, name="demo-mail"),
    path("demo/mail/<str:name>/", views.demo_mail_message, name="demo-mail-message"),
]
