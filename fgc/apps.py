from django.apps import AppConfig


class FgcConfig(AppConfig):
    name = "fgc"
    verbose_name = "Family Group Conferences"
