"""Token authentication: ``Authorization: Token <key>``, the key checked against its stored digest."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cordee.structures.roles import attach_roles
from cordee.users.tokens import authenticate_key


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization mal formé : « Authorization: Token <jeton> » attendu.",
                code="malformed_token_header",
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        token = authenticate_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                "Jeton invalide ou révoqué : créez-en un nouveau sur votre compte.", code="invalid_token"
            )
        # The person's roles, computed once for the request and read by every permission check.
        return attach_roles(token.user), token

    def authenticate_header(self, request):
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "cordee.api.authentication.TokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Jeton d'API créé sur votre compte Cordée : « Authorization: Token <jeton> ».",
        }
