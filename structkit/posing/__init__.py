"""Posing new compounds in a kinase's ATP site: templates from co-crystal ligands, Vina refinement and
docking, and the confidence of each pose (:func:`structkit.posing.pose.pose`)."""
