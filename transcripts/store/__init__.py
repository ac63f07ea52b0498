"""The DuckLake store: extensions, lock, publish, read, the SQL guard, export, gc."""
