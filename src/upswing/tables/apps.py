from django.apps import AppConfig


class TablesConfig(AppConfig):
    name = "upswing.tables"
    label = "tables"
    verbose_name = "Tables, search and exports"
