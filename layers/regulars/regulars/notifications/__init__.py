"""What the salon tells clients and staff, and when: reminders now; notices of booked, moved and
cancelled visits and the sending pipeline build on the same outbox."""
