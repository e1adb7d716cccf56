"""Profile's settings: the shared ones (see docs/configuration.md); none of its own yet."""

from mesh_runtime.settings import ServiceSettings


class ProfileSettings(ServiceSettings):
    pass
