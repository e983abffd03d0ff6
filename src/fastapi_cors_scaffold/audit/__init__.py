"""Reading CORS configurations out of code and data files without running anything, and `lint`'s findings on them."""
