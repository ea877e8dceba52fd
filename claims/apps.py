from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self) -> None:
        from notifications.holds import hold_check_register

        from .services.contact import hold_check

        # Apps are loaded by now; importing services earlier would load models before the registry.
        hold_check_register(hold_check)
