"""Use cases over domain + storage + io. They return plain DTOs; the GUI and CLI share them."""
