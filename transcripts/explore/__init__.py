"""What analysts use to look at a published version: output rendering, describe, show, search, report, shell."""
