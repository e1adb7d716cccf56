from mesh_notify.bootstrap import DEFINITION
from mesh_runtime.serve import main

main(DEFINITION)
