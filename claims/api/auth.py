from rest_framework.authentication import BaseAuthentication


class ClaimTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        return None
