"""The shared cases live in ``cases/``, outside test modules: pytest explains their failed asserts too."""

import pytest

pytest.register_assert_rewrite("tests.integration.services.cases")
