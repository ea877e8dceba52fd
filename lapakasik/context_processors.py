from django.conf import settings


def service(request) -> dict:
    return {"CALL_CENTRE_NUMBER": settings.CALL_CENTRE_NUMBER}
