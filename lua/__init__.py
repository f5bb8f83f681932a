"""One Lua script per atomic operation; lib/*.lua is the shared prelude the loader prepends."""
