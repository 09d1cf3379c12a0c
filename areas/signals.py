"""What the area layer tells the layers above it (it imports none of them).

`areas_loaded` is sent once after `load_areas` has written a load (argument `report`, a
`areas.loading.LoadReport`): its bulk writes bypass the per-row audit signals, so the audit log
records one summary entry for the whole load (`audit.signals.log_area_load`).
"""

from django.dispatch import Signal

areas_loaded = Signal()
