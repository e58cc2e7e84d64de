"""A client's data rights: their data exported, their erasure, and the forgetting of clients who stopped coming."""
