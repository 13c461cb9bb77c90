"""Where a request came from, for the audit entries that services write while serving it."""

from homeward.accounts.network import client_ip
from homeward.audit.services import acting_from


class AuditAddressMiddleware:
    """Services audit their own changes without seeing the request; this tells them its address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_from(client_ip(request)):
            return self.get_response(request)
