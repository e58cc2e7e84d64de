"""Unit tests reach no network: any connection beyond loopback fails the test."""

from support.network import no_network  # noqa: F401 - an autouse fixture
