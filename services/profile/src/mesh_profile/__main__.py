"""`python -m mesh_profile` (or `mesh-profile`) serves; `... migrate` applies migrations and exits."""

from mesh_profile.bootstrap import DEFINITION
from mesh_runtime.serve import main


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
