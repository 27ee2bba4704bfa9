"""Force-field set-up, side-chain packing, region minimisation and binding free energy changes.

OpenMM stays inside this layer. It sits above :mod:`structkit.io` and below :mod:`structkit.analysis`.
"""
