"""`python -m mesh_scheduling` (or `mesh-scheduling`) serves; `... migrate` applies migrations and exits."""

from mesh_runtime.serve import main
from mesh_scheduling.bootstrap import DEFINITION


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
