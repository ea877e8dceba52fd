"""The API's only credential: a signed claim token, sent as `Authorization: Bearer <token>`.

A token opens one claim, not a user account: authenticate() returns
(AnonymousUser(), claim), so `request.auth` is the Claim and views compare it with
the claim named in the URL.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from claims.access import claim_token_read
from claims.models import Claim

KEYWORD = b"bearer"


class ClaimTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Token klaim tidak terbaca. Buka klaim lagi dengan kode dari SMS."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            token = ""
        claim_id = claim_token_read(token) if token else None
        claim = Claim.objects.filter(pk=claim_id).first() if claim_id is not None else None
        if claim is None:
            raise exceptions.AuthenticationFailed(
                _("Token klaim tidak berlaku lagi. Buka klaim lagi dengan kode yang dikirim ke nomor HP Anda.")
            )
        return AnonymousUser(), claim

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate), not 403, when the token is missing or bad.
        return 'Bearer realm="api"'


class HasClaimToken(BasePermission):
    """The request carries a valid claim token; which claim it opens is checked by the view."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Claim)


class ClaimTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.auth.ClaimTokenAuthentication"
    name = "claimToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Claim token from POST /api/v1/claims/ or POST /api/v1/access/token/.",
        }
