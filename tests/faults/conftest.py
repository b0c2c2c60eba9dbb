"""The fault tests use the matching tests' stock of phones and households."""

from tests.matching.conftest import make_device, make_household, nominator, stock  # noqa: F401
