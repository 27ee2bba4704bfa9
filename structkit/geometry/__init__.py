"""Pure-array kernels: distances, neighbour search, SASA, hydrogen bonds, side-chain geometry, clashes.

Every function here takes and returns NumPy arrays and knows nothing of files, Biopython objects or
pandas, so that the same kernels serve a crystal structure and every frame of a trajectory.
"""
