"""The pure steps, small named passes over frozen data: decode, clean, segment, label, entities."""
