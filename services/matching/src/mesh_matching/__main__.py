from mesh_matching.bootstrap import DEFINITION
from mesh_runtime.serve import main

main(DEFINITION)
