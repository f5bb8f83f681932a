"""The operations GraphQL and REST both call: validate, run one Lua script, decode its reply."""
