"""Where batch work runs (:mod:`.engine`) and how many structures are mapped over (:mod:`.batch`)."""
