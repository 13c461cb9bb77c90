from django.test import RequestFactory

from homeward.accounts.network import client_ip


def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.HOMEWARD_TRUSTED_PROXIES = []
    assert client_ip(request("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


def test_behind_a_trusted_proxy_the_client_is_the_last_untrusted_hop(settings):
    settings.HOMEWARD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client can write anything at the start of the header; only the hop the proxy
    # itself appended is believed.
    forged = request("10.1.2.3", "198.51.100.66, 203.0.113.5")
    assert client_ip(forged) == "203.0.113.5"
    assert client_ip(request("10.1.2.3", "203.0.113.5, 10.9.9.9")) == "203.0.113.5"


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(settings):
    settings.HOMEWARD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


def test_a_proxy_sending_rubbish_gives_its_own_address(settings):
    settings.HOMEWARD_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1")) == "10.0.0.1"
