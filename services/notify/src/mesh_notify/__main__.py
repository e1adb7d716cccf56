"""`python -m mesh_notify` (or `mesh-notify`) serves; `... migrate` applies migrations and exits."""

from mesh_notify.bootstrap import DEFINITION
from mesh_runtime.serve import main


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
