"""The pipeline room: ``structkit run``, which composes the measurements, the study and the
presentation into ``results/`` (the room above them all; nothing below imports it)."""
