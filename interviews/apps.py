from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"

    def ready(self) -> None:
        from notifications.services import inbound_reply_handlers

        from .services import interview_reply_received

        # WhatsApp replies "1"/"YA"/"2" to an interview message.
        if interview_reply_received not in inbound_reply_handlers:
            inbound_reply_handlers.append(interview_reply_received)
