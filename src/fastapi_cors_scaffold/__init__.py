"""Generate FastAPI services whose CORS configuration is checked before it ships."""
