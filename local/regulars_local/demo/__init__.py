"""The demo salon: a realistic history of visits, built from a seed (:mod:`regulars_local.demo.salon`)."""

from regulars_local.demo.salon import (
    LOCAL_PROTECTION,
    SALON_ID,
    DemoData,
    DemoSummary,
    build_demo,
    load_demo,
)

__all__ = ["LOCAL_PROTECTION", "SALON_ID", "DemoData", "DemoSummary", "build_demo", "load_demo"]
