from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self) -> None:
        from notifications.holds import hold_check_register
        from notifications.replies import leftover_handler_register

        from .services.contact import hold_check
        from .services.replies import claim_reply_received

        # Apps are loaded by now; importing services earlier would load models before the registry.
        hold_check_register(hold_check)
        # Replies no app understood: a status question answered, anything else to the branch's inbox.
        leftover_handler_register(claim_reply_received)
