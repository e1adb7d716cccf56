"""`python -m mesh_matching` (or `mesh-matching`) serves; `... migrate` applies migrations and exits."""

from mesh_matching.bootstrap import DEFINITION
from mesh_runtime.serve import main


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
