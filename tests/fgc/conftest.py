"""FGC personas beyond the shared ones: fay, the FGC manager (an FGC coordinator who is also a manager)."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from tests import factories


@pytest.fixture
def fay(db: None) -> User:
    return factories.make_user(
        "fay@example.gov.uk", full_name="Fay Fgc-Manager", roles=(Role.FGC_COORDINATOR, Role.MANAGER)
    )
