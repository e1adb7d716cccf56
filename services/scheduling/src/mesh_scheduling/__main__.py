from mesh_runtime.serve import main
from mesh_scheduling.bootstrap import DEFINITION

main(DEFINITION)
