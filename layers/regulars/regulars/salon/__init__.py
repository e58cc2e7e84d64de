"""The salon: its profile and settings, its services and staff (the catalog)."""
