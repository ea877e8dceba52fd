from django.apps import AppConfig

from notifications.replies import reply_handler_register


class InterviewsConfig(AppConfig):
    name = "interviews"

    def ready(self) -> None:
        # Apps are loaded by now; importing services earlier would load models before the registry.
        from .services import interview_reply_received

        # WhatsApp replies "1"/"YA"/"2" to an interview message.
        reply_handler_register(interview_reply_received)
