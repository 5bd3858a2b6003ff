"""Page arithmetic shared by every paged list."""


def page_in_range(page: int, total: int, size: int) -> tuple[int, int]:
    """The page to show (clamped to 1 … pages) and the number of pages (at least 1)."""
    pages = max(1, -(-total // size))
    return min(max(1, page), pages), pages
