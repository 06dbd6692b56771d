from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "Group Case Supervision"

    def ready(self) -> None:
        # Registers the supervision.* rules permissions.
        from supervision import permissions  # noqa: F401
