from mesh_profile.bootstrap import DEFINITION
from mesh_runtime.serve import main

main(DEFINITION)
