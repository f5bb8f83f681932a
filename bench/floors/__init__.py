"""Small apps that show what the stack allows: the same uvicorn, Starlette, Strawberry and
redis-py as ordo, doing the least a request of each kind can do. Each is served by uvicorn
from its own process and loaded by wrk exactly like ordo's operations."""
