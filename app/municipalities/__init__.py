"""The municipalities (Kommunen) and their queries: every domain reads them."""
