"""Appointments: the catalog, free slots, booking, moving, cancelling, completing."""
