"""The waitlist: clients who found no time wait for one, and a freed time is offered to the first who match."""
