"""Contacts: how a client is reached and who an address belongs to (the address book a reply is
matched with, the Telegram chats linked by a deep link)."""
