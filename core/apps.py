from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Kinfolk core"

    def ready(self) -> None:
        from core import signals  # noqa: F401  (connects audit and MFA receivers)
