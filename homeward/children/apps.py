from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ChildrenConfig(AppConfig):
    name = "homeward.children"
    label = "children"

    def ready(self):
        from homeward.children.matching import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="homeward_name_key")
