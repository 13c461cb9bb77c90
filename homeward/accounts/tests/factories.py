import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "made-up-password-for-tests"


class UserFactory(factory.django.DjangoModelFactory):
    """A made-up member of staff; pass `roles=[...]` to put them in those roles."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"made-up-user-{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
